/**
 * metav1.Time and metav1.MicroTime as the API server decodes and encodes them: Time is parsed
 * with Go's RFC 3339 layout (fractional seconds optional) and written back in UTC, whole
 * seconds; MicroTime needs exactly six fractional digits and is written back in UTC with six.
 * A value that does not parse is the decoding error Go's time.Parse gives.
 */

export const RFC3339 = '2006-01-02T15:04:05Z07:00';
export const RFC3339_MICRO = '2006-01-02T15:04:05.000000Z07:00';

type Step = { elem: string; re: RegExp };

const steps = (micro: boolean): Step[] => [
  { elem: '2006', re: /^\d{4}/ },
  { elem: '-', re: /^-/ },
  { elem: '01', re: /^\d{2}/ },
  { elem: '-', re: /^-/ },
  { elem: '02', re: /^\d{2}/ },
  { elem: 'T', re: /^T/ },
  { elem: '15', re: /^\d{2}/ },
  { elem: ':', re: /^:/ },
  { elem: '04', re: /^\d{2}/ },
  { elem: ':', re: /^:/ },
  { elem: '05', re: /^\d{2}/ },
  // Go accepts a fraction after the seconds even when the layout has none.
  micro ? { elem: '.000000', re: /^\.\d{6}/ } : { elem: '', re: /^(\.\d+)?/ },
  { elem: 'Z07:00', re: /^(Z|[+-]\d{2}:\d{2})/ },
];

/** The normalised wire form, or the error text of Go's time.Parse. */
export function parseKubeTime(
  value: string,
  micro: boolean,
): { ok: true; value: string } | { ok: false; error: string } {
  const layout = micro ? RFC3339_MICRO : RFC3339;
  const fail = (why: string): { ok: false; error: string } => ({
    ok: false,
    error: `parsing time ${JSON.stringify(value)} as ${JSON.stringify(layout)}: ${why}`,
  });
  let rest = value;
  const parts: string[] = [];
  let layoutRest = layout;
  for (const step of steps(micro)) {
    const m = step.re.exec(rest);
    if (m === null)
      return fail(
        `cannot parse ${JSON.stringify(rest)} as ${JSON.stringify(layoutRest.startsWith(step.elem) ? step.elem : layoutRest)}`,
      );
    parts.push(m[0]);
    rest = rest.slice(m[0].length);
    layoutRest = layoutRest.slice(step.elem.length);
  }
  if (rest !== '') return fail(`extra text: ${JSON.stringify(rest)}`);
  const [y, , mo, , d, , h, , mi, , s, frac, zone] = parts.map((p) => p ?? '');
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12) return fail('month out of range');
  const daysIn = new Date(Date.UTC(Number(y), month, 0)).getUTCDate();
  if (day < 1 || day > daysIn) return fail('day out of range');
  if (Number(h) > 23) return fail('hour out of range');
  if (Number(mi) > 59) return fail('minute out of range');
  if (Number(s) > 59) return fail('second out of range');
  const z = zone ?? 'Z';
  const offsetMin =
    z === 'Z'
      ? 0
      : (z.startsWith('-') ? -1 : 1) * (Number(z.slice(1, 3)) * 60 + Number(z.slice(4, 6)));
  const utc =
    Date.UTC(Number(y), month - 1, day, Number(h), Number(mi), Number(s)) - offsetMin * 60_000;
  const whole = new Date(utc).toISOString().slice(0, 19);
  if (!micro) return { ok: true, value: `${whole}Z` };
  return { ok: true, value: `${whole}${(frac ?? '.000000').padEnd(7, '0').slice(0, 7)}Z` };
}
