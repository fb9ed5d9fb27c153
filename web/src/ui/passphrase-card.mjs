// The keys' passphrase, on the Models page. Without one, the vault's key is a non-extractable
// CryptoKey of this browser; with one (PBKDF2), the keys open only after it is typed, once per
// tab, and lock again on Lock or when the tab closes. The data layer does the cryptography
// (web/src/data/vault.mjs); this card only asks.
import { h, fill, announce } from './dom.mjs';

/** @param {import('../app.mjs').App} app */
export function createPassphraseCard(app) {
  const vault = app.db.vault;
  const state = h('p', { id: 'passphrase-state', role: 'status' });
  const input = h('input', { id: 'passphrase', type: 'password', autocomplete: 'new-password', 'aria-describedby': 'passphrase-state' });
  const buttons = h('div', { class: 'form-buttons' });
  const form = h('form', { class: 'passphrase-form', onsubmit: (event) => { event.preventDefault(); } },
    h('h2', {}, 'Key protection'),
    state, h('label', { for: 'passphrase' }, 'Passphrase'), input, buttons);

  async function act(work, done) {
    const typed = input.value;
    try {
      const ok = await work(typed);
      input.value = '';
      if (ok === false) {
        state.textContent = typed ? 'That is not the passphrase.' : 'Type the passphrase first.';
        return;
      }
      announce(done);
      refresh();
    } catch (error) {
      state.textContent = error.message;
    }
  }

  const button = (label, work, done, primary) => h('button', { type: 'button', class: primary ? 'primary' : 'ghost',
    onclick: () => act(work, done) }, label);

  function refresh() {
    if (!vault.hasPassphrase) {
      state.textContent = 'Keys are encrypted with a key this browser keeps and cannot export. A passphrase adds a lock: the keys then open only after you type it.';
      fill(buttons, button('Set passphrase', (text) => text ? vault.setPassphrase(text) : false, 'Passphrase set', true));
    } else if (vault.locked) {
      state.textContent = 'Keys are locked. Type the passphrase to use your models in this tab.';
      fill(buttons, button('Unlock', (text) => vault.unlock(text), 'Keys unlocked', true));
    } else {
      state.textContent = 'Keys are unlocked in this tab. Lock them when you step away.';
      fill(buttons, button('Lock', async () => vault.lock(), 'Keys locked', true),
        button('Change passphrase', (text) => text ? vault.setPassphrase(text) : false, 'Passphrase changed'),
        button('Remove passphrase', () => vault.setPassphrase(null), 'Passphrase removed'));
    }
  }

  return { element: h('section', { class: 'card' }, form), refresh };
}
