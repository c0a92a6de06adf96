import { KPI_IDS } from '../../src/domain/kpi';
import { type AreaMatchInput, type ServiceAreaDefinition, type ServiceAreaVersion, areaRef, selectArea, serviceAreaProblems } from '../../src/domain/service-area';

function definition(overrides: Partial<ServiceAreaDefinition> = {}): ServiceAreaDefinition {
  return {
    name: 'Billing support',
    match: {},
    processOwnerId: 'olivia',
    calendarId: 'office',
    volumeUnit: 'transactions',
    causes: [
      { code: 'double-charge', label: 'Double charge' },
      { code: 'tariff-not-explained', label: 'Tariff not explained' },
    ],
    objectives: [
      { kpi: 'first_response_attainment', comparator: '>=', target: 0.95 },
      { kpi: 'csat_average', comparator: '>=', target: 4.3 },
      { kpi: 'complaint_rate', comparator: '<=', target: 2 },
    ],
    review: { frequency: 'monthly', reviewerIds: ['olivia', 'sam'] },
    ...overrides,
  };
}

const area = (areaId: string, match: ServiceAreaDefinition['match']): ServiceAreaVersion => ({ ...definition({ name: areaId, match }), areaId, version: 1 });

const input = (overrides: Partial<AreaMatchInput> = {}): AreaMatchInput => ({ category: 'billing', channel: 'phone', queue: 'general', ...overrides });

describe('selectArea', () => {
  const everything = area('everything', {});
  const phone = area('phone', { channels: ['phone'] });
  const general = area('general-queue', { queues: ['general'] });
  const billing = area('billing', { categories: ['billing'] });
  const billingPhone = area('billing-phone', { categories: ['billing', 'refunds'], channels: ['phone'] });

  it('given areas of every specificity, when category and channel both match, then the one naming both wins', () => {
    expect(selectArea([everything, phone, general, billing, billingPhone], input())?.areaId).toBe('billing-phone');
  });

  it('given a category area, a channel area and a queue area that all match, when selecting, then category beats channel beats queue', () => {
    expect(selectArea([general, phone, billing], input())?.areaId).toBe('billing');
    expect(selectArea([general, phone], input())?.areaId).toBe('phone');
    expect(selectArea([general, everything], input())?.areaId).toBe('general-queue');
  });

  it('given a channel area and an area naming both channel and queue, when selecting, then the more specific one wins (channel + queue > channel)', () => {
    const phoneGeneral = area('phone-general', { channels: ['phone'], queues: ['general'] });
    expect(selectArea([phone, phoneGeneral], input())?.areaId).toBe('phone-general');
    // ...but never over an area naming the category: category alone outweighs channel and queue together.
    expect(selectArea([phoneGeneral, billing], input())?.areaId).toBe('billing');
  });

  it('given a list that does not contain the value, when selecting, then the area is out whatever else it names', () => {
    expect(selectArea([billingPhone], input({ channel: 'email' }))).toBeNull();
    expect(selectArea([billing], input({ category: 'delivery' }))).toBeNull();
    expect(selectArea([general], input({ queue: 'tier-2' }))).toBeNull();
  });

  it('given two equally specific areas, when selecting, then the lowest areaId wins whatever the order', () => {
    const a = area('a-billing', { categories: ['billing'] });
    const z = area('z-billing', { categories: ['billing'] });
    expect(selectArea([z, a], input())?.areaId).toBe('a-billing');
    expect(selectArea([a, z], input())?.areaId).toBe('a-billing');
  });

  it('given empty lists, when selecting, then they mean "any" like absent lists', () => {
    const empty = area('empty-lists', { categories: [], channels: [], queues: [] });
    expect(selectArea([empty], input({ category: 'anything', channel: 'letter', queue: 'x' }))?.areaId).toBe('empty-lists');
  });

  it('given no areas, when selecting, then null', () => {
    expect(selectArea([], input())).toBeNull();
  });
});

describe('areaRef', () => {
  it('given an area version and its calendar time zone, when frozen for a complaint, then it keeps id, version, name, zone and the cause codes', () => {
    expect(areaRef({ ...definition(), areaId: 'billing', version: 3 }, 'Europe/Paris')).toEqual({
      areaId: 'billing',
      version: 3,
      name: 'Billing support',
      timeZone: 'Europe/Paris',
      causes: ['double-charge', 'tariff-not-explained'],
    });
  });
});

describe('serviceAreaProblems', () => {
  it('given a sound definition with the three objectives of the issue, when checked, then there is no problem', () => {
    expect(serviceAreaProblems(definition())).toEqual([]);
  });

  it('given a cause code listed twice, when checked, then it is named', () => {
    const causes = [...definition().causes, { code: 'double-charge', label: 'again' }];
    expect(serviceAreaProblems(definition({ causes }))).toEqual([{ path: 'causes', message: 'cause code double-charge is listed twice' }]);
  });

  it('given two objectives on the same KPI and comparator, when checked, then it is refused; a floor and a ceiling on one KPI are fine', () => {
    const twice = definition({ objectives: [{ kpi: 'csat_average', comparator: '>=', target: 4 }, { kpi: 'csat_average', comparator: '>=', target: 4.5 }] });
    expect(serviceAreaProblems(twice)).toEqual([{ path: 'objectives', message: 'more than one objective csat_average >=' }]);
    const band = definition({ objectives: [{ kpi: 'complaint_volume', comparator: '>=', target: 1 }, { kpi: 'complaint_volume', comparator: '<=', target: 50 }] });
    expect(serviceAreaProblems(band)).toEqual([]);
  });

  it('given a floor above the ceiling of the same KPI, when checked, then the objectives can never be met and are refused', () => {
    const impossible = definition({ objectives: [{ kpi: 'complaint_volume', comparator: '>=', target: 60 }, { kpi: 'complaint_volume', comparator: '<=', target: 50 }] });
    expect(serviceAreaProblems(impossible)).toEqual([{ path: 'objectives', message: 'complaint_volume cannot be >= 60 and <= 50' }]);
  });

  it('given a share KPI with a target of 95 (a percentage), when checked, then the target is refused: shares are 0..1', () => {
    const percent = definition({ objectives: [{ kpi: 'first_response_attainment', comparator: '>=', target: 95 }] });
    expect(serviceAreaProblems(percent)).toEqual([{ path: 'objectives.0.target', message: 'first_response_attainment is a share: the target must be between 0 and 1' }]);
  });

  it('given a CSAT target outside 1..5, when checked, then it is refused', () => {
    expect(serviceAreaProblems(definition({ objectives: [{ kpi: 'csat_average', comparator: '>=', target: 43 }] })).map((p) => p.path)).toEqual(['objectives.0.target']);
  });

  it('given an unknown KPI, when checked, then it names the field and the known KPIs', () => {
    const [problem] = serviceAreaProblems(definition({ objectives: [{ kpi: 'happiness', comparator: '>=', target: 1 }] }));
    expect(problem!.path).toBe('objectives.0.kpi');
    expect(problem!.message).toContain(KPI_IDS[0]);
  });

  it('given a reviewer or a match value listed twice, when checked, then each is named', () => {
    const def = definition({ match: { categories: ['billing', 'billing'], queues: ['a', 'b', 'a'] }, review: { frequency: 'weekly', reviewerIds: ['sam', 'olivia', 'sam'] } });
    expect(serviceAreaProblems(def)).toEqual([
      { path: 'match.categories', message: 'billing is listed twice' },
      { path: 'match.queues', message: 'a is listed twice' },
      { path: 'review.reviewerIds', message: 'sam is listed twice' },
    ]);
  });
});
