// Linkhub's mark, in the header and on the sign-in page (decorative: the name is written beside it).
export function Logo() {
  return (
    <svg class="logo" viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
      <rect x="1" y="1" width="22" height="22" rx="6" fill="currentColor" />
      <path
        d="M9.5 14.5l5-5M8 11.5l-1.2 1.2a2.6 2.6 0 003.7 3.7l1.2-1.2M16 12.5l1.2-1.2a2.6 2.6 0 00-3.7-3.7l-1.2 1.2"
        stroke="var(--on-primary)"
        stroke-width="1.8"
        fill="none"
        stroke-linecap="round"
      />
    </svg>
  );
}
