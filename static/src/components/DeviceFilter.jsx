// The device filter of the report pages, kept in the URL as ?device= (absent = all).
import { useI18n } from '../lib/i18n.js';
import { useQuery } from '../lib/router.js';

export const DEVICES = ['all', 'mobile', 'tablet', 'desktop'];

/** [device, setDevice] from the URL; an unknown value reads as 'all'. */
export function useDevice() {
  const [q, setQ] = useQuery();
  const device = DEVICES.includes(q.get('device')) ? q.get('device') : 'all';
  return [device, (d) => setQ({ device: d === 'all' ? null : d })];
}

export function DeviceFilter({ device, onChange }) {
  const { t } = useI18n();
  return (
    <label>
      <span className="label">{t('ux.device')}</span>
      <select value={device} onChange={(e) => onChange(e.target.value)} data-testid="device-filter">
        {DEVICES.map((d) => <option key={d} value={d}>{t(`ux.device.${d}`)}</option>)}
      </select>
    </label>
  );
}
