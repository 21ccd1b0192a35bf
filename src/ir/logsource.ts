/**
 * Sigma logsources → event selectors, as data. Part of what a rule means, so it lives in the IR:
 * the engine selects events with it and the targets check their pipeline's scope against it.
 *
 * Sources: Sigma's logsource taxonomy appendix, pySigma's Sysmon pipeline (category → Sysmon
 * EventID) and pySigma's windows pipeline (service → Channel; `ps_*` categories → PowerShell
 * channel + EventID). A selector accepts an event when its EventID is one of `eventIds` (if
 * given) and its `Channel` is one of `channels` (if given, compared case-insensitively). An event
 * that carries no `Channel` at all is judged on its EventID alone (some collectors drop it), and so
 * is an event whose `Channel` no logsource here maps to (`isMappedChannel`, src/engine/logsource.ts): nothing says which
 * service such a log belongs to, so it is not ruled out by name. This is also how SigmaHQ's own
 * regression checker treats service logsources (it replays each rule over its test file without a
 * channel test: its CAPI2 test event, for one, sits in an RdpCoreTS channel). A channel that a
 * logsource does map (Security, System, Sysmon's…) still selects strictly.
 *
 * Category rules are mapped to Sysmon (pySigma's default for generic Windows categories), plus
 * the alternatives of SigmaHQ's regression config (`CATEGORY_ALTERNATIVES`: Security 4688 for
 * process_creation, Defender detections for antivirus; the readers add those events' field aliases).
 * A logsource we cannot map is reported by `resolveLogsource` as unknown; the engine then
 * applies that rule to every event (and says so) rather than dropping it silently.
 */
import type { LogSource } from './types.js';

export const SYSMON_CHANNEL = 'Microsoft-Windows-Sysmon/Operational';

/** Sysmon event IDs per generic Windows category. */
export const SYSMON_CATEGORIES: Readonly<Record<string, readonly number[]>> = {
  process_creation: [1],
  file_change: [2],
  network_connection: [3],
  sysmon_status: [4, 16],
  process_termination: [5],
  driver_load: [6],
  image_load: [7],
  create_remote_thread: [8],
  raw_access_thread: [9],
  process_access: [10],
  file_event: [11],
  // Sysmon logs a new key as CreateKey (12) and a new value as SetValue (13); SigmaHQ's own
  // registry_add regression events are SetValue (13). pySigma's pipeline says 12 only.
  registry_add: [12, 13],
  registry_delete: [12],
  registry_set: [13],
  registry_rename: [14],
  registry_event: [12, 13, 14],
  create_stream_hash: [15],
  pipe_created: [17, 18],
  wmi_event: [19, 20, 21],
  dns_query: [22],
  file_delete: [23, 26],
  clipboard_capture: [24],
  process_tampering: [25],
  file_delete_detected: [26],
  file_block_executable: [27],
  file_block_shredding: [28],
  file_executable_detected: [29],
  sysmon_error: [255],
};

/** Windows service → event log channel(s) (pySigma windows pipeline). */
export const WINDOWS_SERVICES: Readonly<Record<string, readonly string[]>> = {
  security: ['Security'],
  application: ['Application'],
  system: ['System'],
  sysmon: [SYSMON_CHANNEL],
  powershell: ['Microsoft-Windows-PowerShell/Operational', 'PowerShellCore/Operational'],
  'powershell-classic': ['Windows PowerShell'],
  taskscheduler: ['Microsoft-Windows-TaskScheduler/Operational'],
  wmi: ['Microsoft-Windows-WMI-Activity/Operational'],
  'dns-server': ['DNS Server'],
  'dns-server-audit': ['Microsoft-Windows-DNS-Server/Audit'],
  'dns-server-analytic': ['Microsoft-Windows-DNS-Server/Analytical'],
  'driver-framework': ['Microsoft-Windows-DriverFrameworks-UserMode/Operational'],
  ntlm: ['Microsoft-Windows-NTLM/Operational'],
  dhcp: ['Microsoft-Windows-DHCP-Server/Operational'],
  'msexchange-management': ['MSExchange Management'],
  applocker: [
    'Microsoft-Windows-AppLocker/MSI and Script',
    'Microsoft-Windows-AppLocker/EXE and DLL',
    'Microsoft-Windows-AppLocker/Packaged app-Deployment',
    'Microsoft-Windows-AppLocker/Packaged app-Execution',
  ],
  'printservice-admin': ['Microsoft-Windows-PrintService/Admin'],
  'printservice-operational': ['Microsoft-Windows-PrintService/Operational'],
  'codeintegrity-operational': ['Microsoft-Windows-CodeIntegrity/Operational'],
  'smbclient-security': ['Microsoft-Windows-SmbClient/Security'],
  'smbclient-connectivity': ['Microsoft-Windows-SmbClient/Connectivity'],
  'firewall-as': ['Microsoft-Windows-Windows Firewall With Advanced Security/Firewall'],
  'bits-client': ['Microsoft-Windows-Bits-Client/Operational'],
  windefend: ['Microsoft-Windows-Windows Defender/Operational'],
  'terminalservices-localsessionmanager': ['Microsoft-Windows-TerminalServices-LocalSessionManager/Operational'],
  'microsoft-servicebus-client': ['Microsoft-ServiceBus-Client'],
  ldap_debug: ['Microsoft-Windows-LDAP-Client/Debug'],
  ldap: ['Microsoft-Windows-LDAP-Client/Debug'],
  'security-mitigations': [
    'Microsoft-Windows-Security-Mitigations/Kernel Mode',
    'Microsoft-Windows-Security-Mitigations/User Mode',
  ],
  'diagnosis-scripted': ['Microsoft-Windows-Diagnosis-Scripted/Operational'],
  'shell-core': ['Microsoft-Windows-Shell-Core/Operational'],
  openssh: ['OpenSSH/Operational'],
  bitlocker: ['Microsoft-Windows-BitLocker/BitLocker Management'],
  vhdmp: ['Microsoft-Windows-VHDMP/Operational'],
  'appxdeployment-server': ['Microsoft-Windows-AppXDeploymentServer/Operational'],
  'lsa-server': ['Microsoft-Windows-LSA/Operational'],
  'appxpackaging-om': ['Microsoft-Windows-AppxPackaging/Operational'],
  'dns-client': ['Microsoft-Windows-DNS Client Events/Operational'],
  'appmodel-runtime': ['Microsoft-Windows-AppModel-Runtime/Admin'],
  capi2: ['Microsoft-Windows-CAPI2/Operational'],
  'certificateservicesclient-lifecycle-system': [
    'Microsoft-Windows-CertificateServicesClient-Lifecycle-System/Operational',
  ],
  // Services of SigmaHQ's regression-test logsource config (tests/thor.yml) not in pySigma's pipeline.
  'kernel-shimengine': ['Microsoft-Windows-Kernel-ShimEngine/Operational', 'Microsoft-Windows-Kernel-ShimEngine/Diagnostic'],
  'application-experience': [
    'Microsoft-Windows-Application-Experience/Program-Telemetry',
    'Microsoft-Windows-Application-Experience/Program-Compatibility-Assistant',
  ],
  ntfs: ['Microsoft-Windows-Ntfs/Operational'],
  'hyper-v-worker': ['Microsoft-Windows-Hyper-V-Worker'],
  'kernel-event-tracing': ['Microsoft-Windows-Kernel-EventTracing'],
  sense: ['Microsoft-Windows-SENSE/Operational'],
  'servicebus-client': ['Microsoft-ServiceBus-Client/Admin', 'Microsoft-ServiceBus-Client/Operational'],
  'iis-configuration': ['Microsoft-IIS-Configuration/Operational'],
};

/**
 * Categories that also select events of another log (SigmaHQ's regression config, tests/thor.yml):
 * `process_creation` is Sysmon 1 or Security 4688, `antivirus` is a Defender detection. The
 * readers give those events the category's field names (src/logs/fields.ts `addCategoryAliases`).
 */
export const CATEGORY_ALTERNATIVES: Readonly<Record<string, { channel: string; eventIds: readonly number[] }>> = {
  process_creation: { channel: 'Security', eventIds: [4688] },
  antivirus: {
    channel: 'Microsoft-Windows-Windows Defender/Operational',
    eventIds: [1006, 1007, 1008, 1009, 1010, 1011, 1012, 1017, 1018, 1019, 1115, 1116],
  },
};

/** Windows categories that live in a service's channel with a fixed EventID (pySigma). */
export const WINDOWS_CHANNEL_CATEGORIES: Readonly<Record<string, { service: string; eventIds: readonly number[] }>> = {
  ps_module: { service: 'powershell', eventIds: [4103] },
  ps_script: { service: 'powershell', eventIds: [4104] },
  ps_classic_start: { service: 'powershell-classic', eventIds: [400] },
  ps_classic_provider_start: { service: 'powershell-classic', eventIds: [600] },
  ps_classic_script: { service: 'powershell-classic', eventIds: [800] },
};

/** Which events a rule applies to. Empty selector (no ids, no channels) = every event. */
export interface EventSelector {
  readonly eventIds?: readonly number[];
  readonly channels?: readonly string[];
}

export type LogsourceResolution =
  | { readonly known: true; readonly selector: EventSelector }
  | { readonly known: false; readonly selector: EventSelector; readonly reason: string };

const own = <T>(o: Readonly<Record<string, T>>, k: string): T | undefined =>
  Object.prototype.hasOwnProperty.call(o, k) ? o[k] : undefined;

const lc = (s: string | undefined): string | undefined => (s === undefined ? undefined : s.toLowerCase());

/** Map a Sigma logsource to an event selector (see module comment). */
export function resolveLogsource(ls: LogSource): LogsourceResolution {
  const product = lc(ls.product);
  const category = lc(ls.category);
  const service = lc(ls.service);
  const everything: EventSelector = {};
  if (product !== undefined && product !== 'windows') {
    return { known: false, selector: everything, reason: `product '${ls.product}' has no event mapping` };
  }
  let eventIds: readonly number[] | undefined;
  let channels: readonly string[] | undefined;
  if (category !== undefined) {
    const sysmon = own(SYSMON_CATEGORIES, category);
    const chan = own(WINDOWS_CHANNEL_CATEGORIES, category);
    const alt = own(CATEGORY_ALTERNATIVES, category);
    if (sysmon) {
      // With an alternative, (EventID, Channel) pairs across the two logs are accepted too; no
      // Sysmon event has ID 4688 and no Security event has ID 1, so that is exact in practice.
      eventIds = alt ? [...sysmon, ...alt.eventIds] : sysmon;
      channels = alt ? [SYSMON_CHANNEL, alt.channel] : [SYSMON_CHANNEL];
    } else if (alt) {
      eventIds = alt.eventIds;
      channels = [alt.channel];
    } else if (chan) {
      eventIds = chan.eventIds;
      channels = own(WINDOWS_SERVICES, chan.service);
    } else {
      return { known: false, selector: everything, reason: `category '${ls.category}' has no event mapping` };
    }
  }
  if (service !== undefined) {
    const svc = own(WINDOWS_SERVICES, service);
    if (!svc) {
      return { known: false, selector: everything, reason: `service '${ls.service}' has no channel mapping` };
    }
    // The service names the channel; with a category, the category's EventIDs still apply.
    channels = svc;
  }
  if (product === undefined && category === undefined && service === undefined) {
    return { known: false, selector: everything, reason: 'logsource names no product, category or service' };
  }
  return { known: true, selector: { ...(eventIds ? { eventIds } : {}), ...(channels ? { channels } : {}) } };
}
