// Total cost of ownership: what N servers cost to buy and to run for some years — before
// and after consolidation — computed from the utilization the simulation measured.
//
// Power follows the linear model P(u) = P_idle + (P_peak - P_idle) * u, which Fan, Weber
// and Barroso found accurate to a few percent for whole servers; the facility draws PUE
// times that (cooling, power distribution). Operating cost = energy + administration
// (+ hypervisor licences on virtualized hosts). Every input is editable; each default
// says where it comes from.

export interface TcoInputs {
  /** Purchase price of one server, USD. */
  serverPrice: number;
  /** Server power at 0% and 100% CPU utilization, watts. */
  idleWatts: number;
  peakWatts: number;
  /** Power usage effectiveness: facility power / IT power. */
  pue: number;
  /** Electricity, USD per kWh. */
  pricePerKwh: number;
  /** Administration effort per server per year, hours, and its hourly cost, USD. */
  adminHoursPerServerYear: number;
  adminHourlyRate: number;
  /** Hypervisor licence per virtualized host per year, USD. */
  licencePerHostYear: number;
  /** Years the servers are kept. */
  years: number;
}

export const TCO_DEFAULTS: Readonly<TcoInputs> = {
  serverPrice: 6_000,
  idleWatts: 150,
  peakWatts: 300,
  pue: 1.58,
  pricePerKwh: 0.13,
  adminHoursPerServerYear: 20,
  adminHourlyRate: 46,
  licencePerHostYear: 0,
  years: 4,
};

export const TCO_SOURCES: Record<keyof TcoInputs, string> = {
  serverPrice: 'estimate: a 1U two-socket rack server with moderate CPU and RAM; list prices vary widely, roughly $4,000-$10,000',
  idleWatts: 'L. A. Barroso, U. Hölzle, "The Case for Energy-Proportional Computing", IEEE Computer 40(12), 2007: '
    + 'servers draw about half their peak power when doing virtually no work',
  peakWatts: 'estimate: a 1U two-socket server at full load draws a few hundred watts (see published SPECpower_ssj2008 results)',
  pue: 'Uptime Institute Global Data Center Survey 2023: average annual PUE 1.58',
  pricePerKwh: 'U.S. Energy Information Administration, Electric Power Annual 2023: average retail price to commercial customers, about 13 cents/kWh',
  adminHoursPerServerYear: 'estimate: one administrator (~1,800 h/year) looking after ~90 servers in traditional enterprise IT',
  adminHourlyRate: 'U.S. Bureau of Labor Statistics, Occupational Outlook Handbook, Network and Computer Systems Administrators: '
    + 'median pay $95,360/year, $45.85/hour (May 2023)',
  licencePerHostYear: 'KVM/QEMU is free software; commercial hypervisors are licensed per core or socket: enter their price here',
  years: 'estimate: servers are commonly replaced or depreciated over 3-5 years',
};

/** The power model (Fan, Weber, Barroso, "Power Provisioning for a Warehouse-sized Computer", ISCA 2007). */
export function serverWatts(inputs: TcoInputs, utilizationPercent: number): number {
  const u = Math.min(100, Math.max(0, utilizationPercent)) / 100;
  return inputs.idleWatts + (inputs.peakWatts - inputs.idleWatts) * u;
}

export interface TcoSide {
  servers: number;
  /** Measured utilization of each server, %. */
  utilization: number[];
  /** IT power (servers) and facility power (x PUE), watts. */
  itWatts: number;
  facilityWatts: number;
  energyKwh: number;
  capital: number;
  energyCost: number;
  adminCost: number;
  licenceCost: number;
  operating: number;
  total: number;
}

export interface TcoReport {
  inputs: TcoInputs;
  years: number;
  before: TcoSide;
  after: TcoSide;
  savings: number;
  savingsPercent: number;
}

const HOURS_PER_YEAR = 8_760;

/** Validates inputs (defaults for missing ones); throws a RangeError naming the bad one. */
export function tcoInputs(partial: Partial<TcoInputs> = {}): TcoInputs {
  const inputs = { ...TCO_DEFAULTS, ...partial };
  for (const [key, value] of Object.entries(inputs)) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new RangeError(`cost input ${key} must be a non-negative number, got ${String(value)}`);
    }
  }
  if (inputs.peakWatts < inputs.idleWatts) throw new RangeError(`peak watts (${inputs.peakWatts}) must be at least idle watts (${inputs.idleWatts})`);
  if (inputs.pue < 1) throw new RangeError(`PUE must be at least 1 (facility power includes the IT power), got ${inputs.pue}`);
  return inputs;
}

/** Before: physical servers at their utilizations; after: virtualized hosts at theirs. */
export function totalCostOfOwnership(inputs: TcoInputs, before: number[], after: number[]): TcoReport {
  const b = side(inputs, before, false);
  const a = side(inputs, after, true);
  const savings = b.total - a.total;
  return { inputs, years: inputs.years, before: b, after: a, savings, savingsPercent: b.total === 0 ? 0 : (100 * savings) / b.total };
}

function side(inputs: TcoInputs, utilization: number[], virtualized: boolean): TcoSide {
  const servers = utilization.length;
  const itWatts = utilization.reduce((sum, u) => sum + serverWatts(inputs, u), 0);
  const facilityWatts = itWatts * inputs.pue;
  const energyKwh = (facilityWatts * HOURS_PER_YEAR * inputs.years) / 1000;
  const capital = servers * inputs.serverPrice;
  const energyCost = energyKwh * inputs.pricePerKwh;
  const adminCost = servers * inputs.adminHoursPerServerYear * inputs.adminHourlyRate * inputs.years;
  const licenceCost = virtualized ? servers * inputs.licencePerHostYear * inputs.years : 0;
  const operating = energyCost + adminCost + licenceCost;
  return {
    servers, utilization: [...utilization], itWatts, facilityWatts, energyKwh,
    capital, energyCost, adminCost, licenceCost, operating, total: capital + operating,
  };
}
