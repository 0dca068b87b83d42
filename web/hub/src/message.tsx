// A one-message screen (expired, failed, nothing to connect, done): an icon, a title that can take
// focus, and what to do next.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import type { HTag } from './types.js';

export type IconName = 'check' | 'alert' | 'clock';

export function Icon({ name }: { name: IconName }) {
  const d = {
    check: 'M6 10.5l2.5 2.5L14 7.5',
    alert: 'M10 6v5M10 14h.01',
    clock: 'M10 6.5V10l2.5 1.5M10 4.5a5.5 5.5 0 1 1 0 11a5.5 5.5 0 1 1 0-11',
  }[name];
  return (
    <svg class={`badge badge-${name}`} viewBox="0 0 20 20" width="40" height="40" aria-hidden="true">
      <circle cx="10" cy="10" r="9" fill="currentColor" opacity="0.15" />
      <path d={d} fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" />
    </svg>
  );
}

/** `focus`: the title takes focus when shown, so a screen reader reads the news (expired mid-flow, done). */
export function Message(p: { icon: IconName; title: string; H: HTag; close?: ComponentChildren; focus?: boolean; children: ComponentChildren }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (p.focus) ref.current?.focus();
  }, []);
  const H = p.H;
  return (
    <div class="message">
      <div class="top-right">{p.close}</div>
      <Icon name={p.icon} />
      <H ref={ref} tabIndex={-1} class="title">
        {p.title}
      </H>
      {p.children}
    </div>
  );
}
