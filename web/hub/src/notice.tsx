// The screens for a link that cannot link anything: opened without its token, or opened again after
// an account was linked through it. Each says what happened and what to do, in the page's or the
// embedded Hub's words.
import type { ComponentChildren } from 'preact';
import { Message } from './message.js';
import type { HTag } from './types.js';

export function Notice(p: { kind: 'incomplete' | 'used'; page: boolean; H: HTag; close: ComponentChildren }) {
  if (p.kind === 'incomplete') {
    return (
      <Message icon="alert" title={p.page ? 'This link is incomplete' : 'This session has no token'} H={p.H} close={p.close}>
        <p>
          {p.page
            ? 'It has no session token. Open the whole link your app gave you (it ends with ?token=…), or ask the app for a new link.'
            : 'The app opened the Hub without a connect session token. Close this window and start again from the app.'}
        </p>
        <p class="muted">Nothing was saved.</p>
      </Message>
    );
  }
  return (
    <Message icon="check" title={p.page ? 'This link was already used' : 'This session was already used'} H={p.H} close={p.close}>
      <p>Your account is linked: it was connected through this {p.page ? 'link' : 'session'} before.</p>
      <p class="muted">
        {p.page
          ? 'To link another account or change the key, ask the person or app that sent it to you for a new link.'
          : 'To link another account or change the key, close this window and start again from the app.'}
      </p>
    </Message>
  );
}
