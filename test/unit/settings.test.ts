import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, isRuleEnabled, normalizeSettings } from '../../src/common/settings';

describe('normalizeSettings', () => {
  it('gives the defaults when nothing is set', () => {
    expect(normalizeSettings({})).toEqual({ settings: DEFAULT_SETTINGS, problems: [] });
  });

  it('upper-cases, trims and de-duplicates rule codes', () => {
    const { settings, problems } = normalizeSettings({ select: [' ll001', 'LL001', 'LL003'], ignore: ['ll010'] });
    expect(settings.select).toEqual(['LL001', 'LL003']);
    expect(settings.ignore).toEqual(['LL010']);
    expect(problems).toEqual([]);
  });

  it('drops malformed codes and reports each of them', () => {
    const { settings, problems } = normalizeSettings({ select: ['LL01', 42, 'E501', 'LL002'] });
    expect(settings.select).toEqual(['LL002']);
    expect(problems).toEqual([
      { key: 'select', value: 'LL01' },
      { key: 'select', value: 42 },
      { key: 'select', value: 'E501' },
    ]);
  });

  it('falls back to defaults for values of the wrong type', () => {
    const { settings, problems } = normalizeSettings({
      enable: 'yes',
      ignore: 'LL001',
      maxFileSizeKB: -3,
      maxDiagnosticsPerFile: 0,
      'evaluator.maxElements': 1.5,
    });
    expect(settings).toEqual(DEFAULT_SETTINGS);
    expect(problems.map((problem) => problem.key)).toEqual(['enable', 'ignore', 'maxFileSizeKB', 'maxDiagnosticsPerFile', 'evaluator.maxElements']);
    expect(normalizeSettings({ maxDiagnosticsPerFile: '5' }).settings.maxDiagnosticsPerFile).toBe(1000);
    expect(normalizeSettings({ maxDiagnosticsPerFile: 5 }).settings.maxDiagnosticsPerFile).toBe(5);
  });

  it('converts the file size limit from KB to bytes', () => {
    expect(normalizeSettings({ maxFileSizeKB: 10 }).settings.maxFileSizeBytes).toBe(10240);
  });
});

describe('isRuleEnabled', () => {
  it('enables every rule when nothing is selected', () => {
    expect(isRuleEnabled({ select: [], ignore: [] }, 'LL001')).toBe(true);
  });

  it('enables only selected rules when some are selected', () => {
    const settings = { select: ['LL001'], ignore: [] };
    expect(isRuleEnabled(settings, 'LL001')).toBe(true);
    expect(isRuleEnabled(settings, 'LL002')).toBe(false);
  });

  it('lets ignore win over select', () => {
    expect(isRuleEnabled({ select: ['LL001'], ignore: ['LL001'] }, 'LL001')).toBe(false);
  });
});

describe('severity per rule and when to analyse', () => {
  it('takes a severity for each rule code, and reports the rest', () => {
    const { settings, problems } = normalizeSettings({ severity: { LL021: 'hint', LL001: 'information', LL3: 'hint', LL002: 'loud' }, run: 'onSave' });
    expect({ ...settings.severity }).toEqual({ LL021: 'hint', LL001: 'information' });
    expect(settings.run).toBe('onSave');
    expect(problems).toEqual([
      { key: 'severity', value: { LL3: 'hint' } },
      { key: 'severity', value: { LL002: 'loud' } },
    ]);
  });

  it.each([[['LL001']], ['hint'], [null]])("a severity setting of %j falls back to the rules' own", (value) => {
    const { settings, problems } = normalizeSettings({ severity: value });
    expect({ ...settings.severity }).toEqual({});
    expect(problems).toEqual([{ key: 'severity', value }]);
  });

  it('analyses as you type unless told otherwise', () => {
    expect(normalizeSettings({}).settings.run).toBe('onType');
    expect(normalizeSettings({ run: 'sometimes' })).toMatchObject({ settings: { run: 'onType' }, problems: [{ key: 'run', value: 'sometimes' }] });
  });
});
