/**
 * The customer's link token. The email carries it in the address's fragment
 * (`/app/customer#<token>`), which browsers never send to a server. The page
 * reads it once, removes it from the address bar (a screenshot, a shared
 * screen or a shoulder-surfer then shows no usable link) and keeps it in
 * memory and in this tab's sessionStorage, so a reload still works. It is
 * gone when the tab closes; it opens one complaint or one survey
 * invitation, expires, and staff can revoke it.
 */
const TOKEN_KEY = 'ql.customer.link';
const LANGUAGE_KEY = 'ql.customer.language';

let inMemory: string | null = null;

function stored(key: string): string | null {
  try {
    return sessionStorage.getItem(key);
  } catch {
    return null; // storage refused (a locked-down browser): memory only, a reload then needs the link again
  }
}

function store(key: string, value: string | null): void {
  try {
    if (value === null) sessionStorage.removeItem(key);
    else sessionStorage.setItem(key, value);
  } catch {
    // as above
  }
}

/**
 * The token of this tab: a new one in the fragment wins (and is taken out of
 * the address); otherwise the one kept from before. Null: the page was
 * opened without a link, which is answered without asking the API.
 */
export function takeLinkToken(): string | null {
  // Mail programs may wrap or encode a long link: drop spaces, undo percent-encoding.
  const raw = window.location.hash.replace(/^#/, '').replace(/\s+/g, '');
  if (raw) {
    let token = raw;
    try {
      token = decodeURIComponent(raw);
    } catch {
      // not percent-encoded: take it as it is, the API judges it
    }
    window.history.replaceState(window.history.state, '', window.location.pathname + window.location.search);
    if (token !== (inMemory ?? stored(TOKEN_KEY))) store(LANGUAGE_KEY, null); // another link: its own language
    inMemory = token;
    store(TOKEN_KEY, token);
    return token;
  }
  inMemory ??= stored(TOKEN_KEY);
  return inMemory;
}

/** The language the visitor chose with the switch in this tab, if any. */
export function chosenLanguage(): string | null {
  return stored(LANGUAGE_KEY);
}

export function chooseLanguage(lang: string): void {
  store(LANGUAGE_KEY, lang);
}
