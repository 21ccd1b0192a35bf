/**
 * ~25 realistic network_connection rules as IR (what src/sigma will produce for typical
 * Sysmon 3 content), for the engine benchmark until the repository's rules can be loaded.
 */
import type { Expr, Rule } from '../../src/ir/types.js';
import { and, anyOf, cidr, correlation, detection, match, not, or, re } from './build.js';

const PRIVATE = or(
  ...['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '127.0.0.0/8', '169.254.0.0/16', '224.0.0.0/4', '::1/128', 'fe80::/10', 'fc00::/7', 'ff00::/8'].map((c) => cidr('DestinationIp', c)),
);
const OUT = match('Initiated', 'true', { origin: 'boolean' });
const LOLBINS = ['\\regsvr32.exe', '\\mshta.exe', '\\certutil.exe', '\\bitsadmin.exe', '\\msbuild.exe', '\\installutil.exe', '\\regasm.exe', '\\regsvcs.exe', '\\cmstp.exe', '\\odbcconf.exe', '\\msiexec.exe', '\\rundll32.exe'];
const SCRIPT = ['\\powershell.exe', '\\pwsh.exe', '\\wscript.exe', '\\cscript.exe', '\\mshta.exe', '\\powershell_ise.exe'];
const BROWSERS = ['\\chrome.exe', '\\msedge.exe', '\\firefox.exe', '\\iexplore.exe', '\\opera.exe', '\\brave.exe'];
const OFFICE = ['\\winword.exe', '\\excel.exe', '\\powerpnt.exe', '\\onenote.exe', '\\msaccess.exe', '\\mspub.exe', '\\visio.exe', '\\outlook.exe'];
const n = (field: string, values: number[]): Expr => or(...values.map((v) => match(field, String(v), { origin: 'number' })));
const TI_IPS = Array.from({ length: 60 }, (_, i) => `185.${100 + i}.${(i * 7) % 255}.${(i * 13) % 250 + 1}`);

const exprs: Array<[string, Expr]> = [
  ['lolbin-outbound', and(anyOf('Image', LOLBINS, 'endswith'), OUT)],
  ['script-host-public', and(anyOf('Image', SCRIPT, 'endswith'), OUT, not(PRIVATE))],
  ['office-non-microsoft', and(anyOf('Image', OFFICE, 'endswith'), OUT, not(anyOf('DestinationHostname', ['.microsoft.com', '.office.com', '.office365.com', '.live.com', '.microsoftonline.com', '.sharepoint.com', '.office.net'], 'endswith')))],
  ['c2-ports', and(OUT, n('DestinationPort', [4444, 1337, 31337, 50050, 2222, 6666, 6667, 8888, 9999, 5555, 7777]))],
  ['alt-http-non-browser', and(OUT, n('DestinationPort', [8080, 8443, 8000, 8081]), not(anyOf('Image', BROWSERS, 'endswith')))],
  ['system-proc-high-port', and(anyOf('Image', ['\\lsass.exe', '\\services.exe', '\\spoolsv.exe', '\\winlogon.exe', '\\smss.exe'], 'endswith'), { type: 'compare', field: 'DestinationPort', op: 'gte', value: 10000 }, not(PRIVATE))],
  ['dga-consonants', and(OUT, re('DestinationHostname', '[bcdfghjklmnpqrstvwxz]{7,}\\.[a-z]{2,6}$', { i: true }))],
  ['dga-digit-mix', and(OUT, re('DestinationHostname', '^[a-z]+[0-9]+[a-z]+[0-9]+[a-z0-9]*\\.[a-z]{2,6}$'))],
  ['ti-ip', and(OUT, anyOf('DestinationIp', TI_IPS))],
  ['tunnel-services', anyOf('DestinationHostname', ['.ngrok.io', '.ngrok-free.app', '.trycloudflare.com', '.serveo.net', '.loca.lt', '.localtunnel.me', '.portmap.io', '.pagekite.me', '.telebit.cloud'], 'endswith')],
  ['ip-lookup', anyOf('DestinationHostname', ['api.ipify.org', 'ipinfo.io', 'checkip.amazonaws.com', 'icanhazip.com', 'ifconfig.me', 'ip-api.com', 'wtfismyip.com', 'myexternalip.com', 'ipecho.net'])],
  ['smb-non-system', and(OUT, match('DestinationPort', '445', { origin: 'number' }), not(match('Image', 'System')), not(anyOf('Image', ['\\svchost.exe'], 'endswith')))],
  ['rpc-from-script', and(OUT, match('DestinationPort', '135', { origin: 'number' }), anyOf('Image', SCRIPT, 'endswith'))],
  ['dns-unusual', and(match('DestinationPort', '53', { origin: 'number' }), match('Protocol', 'udp'), not(anyOf('Image', ['\\svchost.exe', '\\dns.exe', '\\nslookup.exe', '\\chrome.exe', '\\msedge.exe', '\\firefox.exe'], 'endswith')))],
  ['inbound-to-shell', and(match('Initiated', 'false', { origin: 'boolean' }), anyOf('Image', ['\\cmd.exe', ...SCRIPT], 'endswith'))],
  ['rdp-not-mstsc', and(OUT, match('DestinationPort', '3389', { origin: 'number' }), not(anyOf('Image', ['\\mstsc.exe', '\\msrdc.exe'], 'endswith')))],
  ['winrm-unusual', and(OUT, n('DestinationPort', [5985, 5986]), not(anyOf('Image', ['\\svchost.exe', '\\wsmprovhost.exe', '\\powershell.exe'], 'endswith')))],
  ['metadata-from-script', and(match('DestinationIp', '169.254.169.254'), anyOf('Image', SCRIPT, 'endswith'))],
  ['notepad-like', and(OUT, anyOf('Image', ['\\notepad.exe', '\\calc.exe', '\\mspaint.exe', '\\wordpad.exe', '\\write.exe'], 'endswith'))],
  ['susp-folder', and(OUT, anyOf('Image', ['\\AppData\\Local\\Temp\\', '\\Users\\Public\\', '\\Windows\\Temp\\', '\\PerfLogs\\', '\\$Recycle.bin'], 'contains'))],
  ['tor-ports', and(OUT, n('DestinationPort', [9001, 9030, 9050, 9051, 9150]))],
  ['susp-tld', and(OUT, anyOf('DestinationHostname', ['.xyz', '.top', '.tk', '.gq', '.ml', '.cf', '.su', '.onion', '.bit', '.zip', '.mov'], 'endswith'))],
  ['roaming-exe', and(OUT, match('Image', 'C:\\Users\\*\\AppData\\Roaming\\*.exe'), not(PRIVATE))],
  ['file-sharing', and(OUT, anyOf('DestinationHostname', ['pastebin.com', 'transfer.sh', 'anonfiles', 'mega.nz', 'cdn.discordapp.com', 'file.io', 'gofile.io', 'temp.sh'], 'contains'))],
  ['lolbin-ipv6-public', and(OUT, match('DestinationIsIpv6', 'true', { origin: 'boolean' }), anyOf('Image', LOLBINS, 'endswith'), not(PRIVATE))],
];

export const benchRules: Rule[] = exprs.map(([id, e]) => detection(e, { id, title: id }));

export const beaconRules = (): Rule[] => [
  detection(and(OUT, not(PRIVATE)), { id: 'outbound-public' }),
  correlation('beacon', ['outbound-public'], { id: 'beacon-1m', timespanMs: 86_400_000, beacon: { bucketMs: 60_000, minEvents: 10, minBuckets: 30, minCoverage: 0.8, maxCv: 0.5, method: 'buckets' } }),
  correlation('beacon', ['outbound-public'], { id: 'beacon-5m', timespanMs: 86_400_000, beacon: { bucketMs: 300_000, minEvents: 10, minBuckets: 12, minCoverage: 0.8, maxCv: 0.5, method: 'buckets' } }),
];
