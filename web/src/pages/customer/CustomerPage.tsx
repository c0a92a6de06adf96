/**
 * The customer's own page (`/app/customer#<token>`): no account and no
 * session, only the signed link from their email. It asks the API what the
 * link opens (GET /customer-link: a complaint or a survey invitation, and
 * the customer's language), then shows that. A page opened without a link
 * says so without asking the API.
 */
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Loading } from '../../components/States';
import { setPageLanguage } from '../../i18n';
import { ComplaintPanel } from './ComplaintPanel';
import { customerApi, isLinkProblem, linkKey } from './customer-api';
import { chooseLanguage, chosenLanguage, takeLinkToken } from './link-token';
import { LinkProblem } from './Problems';
import { SurveyPanel } from './SurveyPanel';
import type { Language, LinkView } from './types';

const SWITCH: { code: Language; label: string }[] = [
  { code: 'en', label: 'EN' },
  { code: 'zh-CN', label: '中文' },
];

const asLanguage = (x: string | null | undefined): Language | null => (x === 'en' || x === 'zh-CN' ? x : null);

export default function CustomerPage() {
  const { t } = useTranslation('customer');
  const [token, setToken] = useState<string | null>(() => takeLinkToken());
  const [chosen, setChosen] = useState<Language | null>(() => asLanguage(chosenLanguage()));

  // Another link pasted into the same tab changes only the fragment: no reload, so listen.
  useEffect(() => {
    const onHash = () => {
      if (!window.location.hash) return;
      setToken(takeLinkToken());
      setChosen(asLanguage(chosenLanguage()));
    };
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  const link = useQuery({ queryKey: [...linkKey(token ?? ''), 'link'], queryFn: () => customerApi.get<LinkView>(token!, '/customer-link'), enabled: token !== null, staleTime: 60_000 });

  // The page speaks the visitor's choice, else the customer's language on record; <html lang> follows.
  const language = chosen ?? link.data?.language ?? null;
  useEffect(() => {
    if (language) setPageLanguage(language);
  }, [language]);

  useEffect(() => {
    document.title = t('pageTitle');
  }, [t, language]);

  let body;
  if (token === null) body = <LinkProblem error={null} />;
  else if (link.isPending) body = <Loading label={t('loading')} />;
  else if (link.error && (!link.data || isLinkProblem(link.error))) body = <LinkProblem error={link.error} />;
  else if (link.data!.subject === 'complaint') body = <ComplaintPanel token={token} />;
  else body = <SurveyPanel token={token} />;

  return (
    <div className="customer-page" data-testid="customer-page" data-language={language ?? ''}>
      <header className="customer-header">
        <span className="customer-brand">{t('brand')}</span>
        <div className="customer-language" role="group" aria-label={t('language')}>
          {SWITCH.map((l) => (
            <button
              key={l.code}
              type="button"
              lang={l.code}
              className={language === l.code ? 'customer-language-current' : 'secondary'}
              aria-pressed={language === l.code}
              data-testid={`customer-language-${l.code}`}
              onClick={() => {
                chooseLanguage(l.code);
                setChosen(l.code);
              }}
            >
              {l.label}
            </button>
          ))}
        </div>
      </header>
      <main className="customer-main" id="main">
        {body}
      </main>
    </div>
  );
}
