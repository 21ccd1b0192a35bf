/**
 * Writes every rule's fixtures under fixtures/rules/<rule_stem>/ (run: `npx tsx scripts/fixtures-rules.ts`).
 *
 * Each rule gets positives (what it must catch) and near misses (the same process to a private
 * address, the same port from a browser, an allow-listed agent, …). Values describe the behaviour
 * (real Windows paths, real ports, plausible public hosting addresses), not anything the rules
 * hard-code. Formats are chosen by file name (see fixtures-lib.ts): `.xml` (Event Viewer copy for a
 * single event, `<Events>` otherwise), `.ecs.ndjson` (winlogbeat ECS), `.flat.jsonl` (NXLog/OTRF).
 * Deterministic: regenerating produces identical files.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { EventFactory, rng, writeFixture, type EventSpec, type Host, type NetEvent } from './fixtures-lib.js';
import { writeBeaconFixtures } from './fixtures-beacons.js';

const ROOT = join(import.meta.dirname, '..', 'fixtures', 'rules');

// ---- the cast: a small Contoso estate --------------------------------------------------------
export const WKS: Host = { computer: 'WKS-FIN-023.corp.contoso.com', ip: '10.20.4.23', ipv6: '2a02:8108:1240:3b00:d1f3:7a2e:55c1:9e04' };
export const WKS2: Host = { computer: 'WKS-HR-011.corp.contoso.com', ip: '10.20.5.11' };
export const APP: Host = { computer: 'SRV-APP02.corp.contoso.com', ip: '10.20.1.32' };
export const DCH: Host = { computer: 'DC01.corp.contoso.com', ip: '10.20.0.10' };
export const EC2: Host = { computer: 'EC2AMAZ-7Q3K1LM.corp.contoso.com', ip: '172.31.22.140' };
const U1 = 'CONTOSO\\j.miller';
const U2 = 'CONTOSO\\a.nguyen';
const ADM = 'CONTOSO\\adm-r.osei';
const SYSTEM = 'NT AUTHORITY\\SYSTEM';
const NETSVC = 'NT AUTHORITY\\NETWORK SERVICE';
const LOCALSVC = 'NT AUTHORITY\\LOCAL SERVICE';
const DC = '10.20.0.10';
const FS = '10.20.1.15';

const S32 = 'C:\\Windows\\System32\\';
const W64 = 'C:\\Windows\\SysWOW64\\';
const PS = S32 + 'WindowsPowerShell\\v1.0\\powershell.exe';
const PWSH = 'C:\\Program Files\\PowerShell\\7\\pwsh.exe';
const CHROME = 'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe';
const EDGE = 'C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe';
const FIREFOX = 'C:\\Program Files\\Mozilla Firefox\\firefox.exe';
const OFFICE = 'C:\\Program Files\\Microsoft Office\\root\\Office16\\';
const SVCHOST = S32 + 'svchost.exe';
const TEMP1 = 'C:\\Users\\j.miller\\AppData\\Local\\Temp\\';
const ROAM2 = 'C:\\Users\\a.nguyen\\AppData\\Roaming\\';

// Public addresses of the kind attackers rent (VPS/hosting ranges) and of real services.
const VPS1 = '45.137.21.9';
const VPS2 = '91.215.85.17';
const VPS3 = '193.42.33.14';
const VPS6 = '2a01:4f8:c17:5a6f:0:0:0:1';
const GH_RAW = '185.199.108.133';
const CF = '104.21.55.142';

type Fixture = readonly [file: string, specs: readonly EventSpec[]];

const at = (hhmmss: string, day = '2026-11-18'): string => `${day}T${hhmmss}Z`;
const e = (t: string, host: Host, user: string, image: string, dst: string, dport: number, more: Partial<EventSpec> = {}): EventSpec =>
  ({ t: at(t), host, user, image, dst, dport, ...more });

export const RULE_FIXTURES: Readonly<Record<string, readonly Fixture[]>> = {
  mshta_network_connection: [
    ['positive.xml', [
      e('09:14:03.118', WKS, U1, S32 + 'mshta.exe', VPS1, 443, { dhost: 'cdn.docsviewer-online.com' }),
      e('09:31:47.502', WKS2, U2, W64 + 'mshta.exe', APP.ip, 80, { dhost: 'SRV-APP02.corp.contoso.com' }),
    ]],
    ['near_miss_loopback_and_browser.xml', [
      e('09:14:01.010', WKS, U1, S32 + 'mshta.exe', '127.0.0.1', 8080),
      e('09:14:02.774', WKS, U1, EDGE, VPS1, 443, { dhost: 'cdn.docsviewer-online.com' }),
      e('09:15:10.200', WKS, U1, S32 + 'mshta.exe', '0:0:0:0:0:0:0:1', 5357),
    ]],
  ],
  regsvr32_network_connection: [
    ['positive.ecs.ndjson', [
      e('10:02:11.930', WKS, U1, S32 + 'regsvr32.exe', VPS2, 443, { dhost: 'update.msoffice-cdn.net' }),
      e('10:40:05.004', WKS2, U2, W64 + 'regsvr32.exe', '10.20.5.30', 8080),
    ]],
    ['near_miss.ecs.ndjson', [
      e('10:01:59.100', WKS, U1, S32 + 'regsvr32.exe', '0:0:0:0:0:0:0:1', 5985),
      e('10:02:12.300', WKS, U1, S32 + 'explorer.exe', VPS2, 443),
      e('10:03:00.000', WKS, SYSTEM, 'System', FS, 445, { dhost: 'SRV-FS01.corp.contoso.com' }),
    ]],
  ],
  certutil_network_connection: [
    ['positive.flat.jsonl', [
      e('11:20:41.377', WKS, U1, S32 + 'certutil.exe', GH_RAW, 443, { dhost: 'raw.githubusercontent.com' }),
      e('11:58:02.911', APP, ADM, S32 + 'certutil.exe', FS, 80, { dhost: 'SRV-FS01.corp.contoso.com' }),
    ]],
    ['near_miss.flat.jsonl', [
      e('11:20:40.001', WKS, U1, S32 + 'certutil.exe', '127.0.0.1', 80),
      e('11:21:05.220', WKS, LOCALSVC, SVCHOST, '93.184.221.240', 80, { dhost: 'ctldl.windowsupdate.com' }),
    ]],
  ],
  proxy_execution_binary_network_connection: [
    ['positive.xml', [
      e('13:05:12.450', WKS, U1, 'C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\MSBuild.exe', VPS3, 443),
      e('13:22:40.018', WKS2, U2, 'C:\\Windows\\Microsoft.NET\\Framework\\v4.0.30319\\InstallUtil.exe', '10.20.5.30', 8080),
      e('14:01:09.733', WKS, U1, 'C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\RegAsm.exe', VPS1, 8443),
    ]],
    ['near_miss.xml', [
      e('13:04:00.500', WKS, U1, 'C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\MSBuild.exe', '127.0.0.1', 49731),
      e('13:04:30.912', WKS, U1, 'C:\\Program Files\\dotnet\\dotnet.exe', '152.199.4.184', 443, { dhost: 'api.nuget.org' }),
    ]],
  ],
  rundll32_public_connection: [
    ['positive.ecs.ndjson', [
      e('15:10:33.601', WKS, U1, S32 + 'rundll32.exe', VPS2, 443),
      e('15:44:10.877', WKS, U1, W64 + 'rundll32.exe', VPS6, 443),
    ]],
    ['near_miss_private.ecs.ndjson', [
      e('15:01:02.100', WKS, U1, S32 + 'rundll32.exe', '192.168.1.20', 80),
      e('15:02:13.300', WKS, U1, S32 + 'rundll32.exe', 'fe80:0:0:0:8d3a:1f2b:9c4e:11a0', 5357),
      e('15:03:44.050', WKS, U1, S32 + 'rundll32.exe', '100.64.12.5', 443),
      e('15:05:20.700', WKS, U1, S32 + 'rundll32.exe', 'fd12:3456:789a:1:0:0:0:5', 443),
      e('15:06:01.010', WKS, U1, S32 + 'rundll32.exe', '172.20.8.4', 8080),
      e('15:07:09.440', WKS, U1, S32 + 'rundll32.exe', '239.255.255.250', 1900, { proto: 'udp' }),
    ]],
  ],
  script_host_public_connection: [
    ['positive.flat.jsonl', [
      e('08:45:19.090', WKS2, U2, S32 + 'wscript.exe', VPS1, 80, { dhost: 'invoice-portal-docs.com' }),
      e('08:47:55.512', WKS, U1, S32 + 'cscript.exe', CF, 443),
    ]],
    ['near_miss_private.flat.jsonl', [
      e('08:40:00.000', WKS2, U2, S32 + 'wscript.exe', FS, 80, { dhost: 'SRV-FS01.corp.contoso.com' }),
      e('08:41:12.400', WKS, U1, S32 + 'cscript.exe', '172.16.8.4', 443),
      e('08:42:07.700', WKS, U1, S32 + 'cscript.exe', '127.0.0.1', 8000),
    ]],
  ],
  powershell_public_connection: [
    ['positive.xml', [
      e('16:03:27.145', WKS, U1, PS, GH_RAW, 443, { dhost: 'raw.githubusercontent.com' }),
      e('16:20:50.480', APP, ADM, PWSH, '2606:4700:3030:0:0:0:ac43:8a9b', 443),
    ]],
    ['near_miss_private.xml', [
      e('16:00:10.050', WKS, U1, PS, '192.168.56.10', 80),
      e('16:01:22.900', WKS, U1, PS, '127.0.0.1', 47001),
      e('16:02:00.330', APP, ADM, PS, DC, 389, { dhost: 'DC01.corp.contoso.com' }),
    ]],
  ],
  download_lolbin_public_connection: [
    ['positive.ecs.ndjson', [
      e('12:11:04.620', WKS, U1, S32 + 'finger.exe', VPS3, 79),
      e('12:30:45.011', WKS2, U2, S32 + 'certreq.exe', VPS2, 80),
      e('12:52:18.337', WKS, U1, S32 + 'desktopimgdownldr.exe', VPS1, 443, { dhost: 'img-cdn-store.com' }),
    ]],
    ['near_miss_private.ecs.ndjson', [
      e('12:00:14.220', WKS, U1, S32 + 'bitsadmin.exe', FS, 80),
      e('12:01:51.640', WKS2, U2, S32 + 'certreq.exe', '10.20.1.50', 135, { dhost: 'SRV-CA01.corp.contoso.com' }),
      e('12:02:33.105', WKS, SYSTEM, SVCHOST, '151.101.208.133', 443),
    ]],
  ],
  cmd_network_connection: [
    ['positive.flat.jsonl', [
      e('17:05:51.772', WKS, U1, S32 + 'cmd.exe', VPS3, 443),
      e('17:06:30.002', WKS2, U2, S32 + 'cmd.exe', '10.20.5.30', 4444),
    ]],
    ['near_miss.flat.jsonl', [
      e('17:00:00.500', WKS, U1, S32 + 'cmd.exe', '127.0.0.1', 9000),
      e('17:01:14.900', WKS, SYSTEM, 'System', FS, 445, { dhost: 'SRV-FS01.corp.contoso.com' }),
    ]],
  ],
  office_app_non_microsoft_destination: [
    ['positive.xml', [
      e('09:02:44.120', WKS, U1, OFFICE + 'WINWORD.EXE', VPS1, 443, { dhost: 'templates.docsviewer-online.com' }),
      e('09:40:12.905', WKS2, U2, OFFICE + 'EXCEL.EXE', VPS2, 80),
    ]],
    ['near_miss_microsoft.xml', [
      e('09:00:01.300', WKS, U1, OFFICE + 'WINWORD.EXE', '52.113.194.132', 443, { dhost: 'ecs.office.com' }),
      e('09:00:02.010', WKS, U1, OFFICE + 'WINWORD.EXE', '192.229.211.108', 80, { dhost: 'ocsp.digicert.com' }),
      e('09:00:05.410', WKS, U1, OFFICE + 'POWERPNT.EXE', '13.107.136.9', 443),
      e('09:00:07.870', WKS, U1, OFFICE + 'ONENOTE.EXE', '52.109.8.19', 443, { dhost: 'onenote.officeapps.live.com' }),
      e('09:01:30.220', WKS, U1, OFFICE + 'WINWORD.EXE', '10.20.1.60', 443, { dhost: 'intranet.corp.contoso.com' }),
      e('09:02:10.660', WKS, U1, OFFICE + 'OUTLOOK.EXE', VPS1, 443),
      e('09:03:12.500', WKS, U1, OFFICE + 'EXCEL.EXE', '2603:1026:c03:2c02:0:0:0:2', 443),
    ]],
  ],
  equation_editor_network_connection: [
    ['positive.xml', [
      e('10:17:26.388', WKS2, U2, 'C:\\Program Files (x86)\\Common Files\\Microsoft Shared\\EQUATION\\EQNEDT32.EXE', VPS2, 80),
    ]],
    ['near_miss.ecs.ndjson', [
      e('10:17:20.100', WKS2, U2, OFFICE + 'WINWORD.EXE', '52.113.194.132', 443, { dhost: 'ecs.office.com' }),
      e('10:17:22.900', WKS2, U2, 'C:\\Program Files (x86)\\Common Files\\Microsoft Shared\\EQUATION\\EQNEDT32.EXE', '127.0.0.1', 80),
    ]],
  ],
  rat_c2_framework_default_port: [
    ['positive.flat.jsonl', [
      e('18:12:03.014', WKS, U1, TEMP1 + 'msupdate64.exe', VPS3, 4444),
      e('18:30:44.700', WKS2, U2, ROAM2 + 'RtkAudio\\RtkAudioSvc.exe', VPS2, 5552),
      e('19:02:19.265', WKS, U1, S32 + 'rundll32.exe', '10.20.5.30', 2404),
    ]],
    ['near_miss.flat.jsonl', [
      e('18:00:04.010', WKS, U1, TEMP1 + 'devserver.exe', '127.0.0.1', 4444),
      e('18:01:11.800', WKS, U1, CHROME, VPS3, 443),
      e('18:02:30.450', WKS, U1, TEMP1 + 'msupdate64.exe', VPS3, 4443),
      e('18:03:55.120', WKS2, U2, S32 + 'svchost.exe', VPS2, 8444),
    ]],
  ],
  tor_irc_port_public_connection: [
    ['positive.xml', [
      e('20:05:33.551', WKS, U1, 'C:\\Users\\j.miller\\Desktop\\Tor Browser\\Browser\\TorBrowser\\Tor\\tor.exe', '185.220.101.47', 9001),
      e('20:44:02.118', WKS2, U2, ROAM2 + 'winsvc\\wsvc.exe', VPS2, 6667),
    ]],
    ['near_miss_private.xml', [
      e('20:05:31.010', WKS, U1, 'C:\\Users\\j.miller\\Desktop\\Tor Browser\\Browser\\firefox.exe', '127.0.0.1', 9150),
      e('20:06:00.700', APP, SYSTEM, 'C:\\Program Files\\Supervisor\\supervisord.exe', '10.20.1.70', 9001),
    ]],
  ],
  alt_http_port_non_browser: [
    ['positive.ecs.ndjson', [
      e('11:03:22.700', WKS, U1, TEMP1 + 'setup_x64.exe', VPS1, 8080),
      e('11:47:10.019', WKS2, U2, S32 + 'rundll32.exe', VPS2, 8443),
    ]],
    ['near_miss_browser_and_private.ecs.ndjson', [
      e('11:00:01.040', WKS, U1, CHROME, VPS1, 8080),
      e('11:00:30.300', WKS, U1, EDGE, VPS2, 8443),
      e('11:01:44.800', APP, SYSTEM, 'C:\\Program Files\\Java\\jre-1.8\\bin\\java.exe', '10.20.1.80', 8443),
      e('11:02:10.010', WKS, U1, TEMP1 + 'setup_x64.exe', VPS1, 443),
    ]],
  ],
  system_process_public_high_port: [
    ['positive.flat.jsonl', [
      e('02:14:50.090', WKS, SYSTEM, S32 + 'lsass.exe', VPS3, 50443),
      e('02:40:31.775', WKS2, U2, 'C:\\Windows\\explorer.exe', VPS1, 6443),
    ]],
    ['near_miss.flat.jsonl', [
      e('02:00:10.100', WKS2, U2, 'C:\\Windows\\explorer.exe', '23.218.218.136', 443),
      e('02:01:00.200', WKS, SYSTEM, S32 + 'lsass.exe', DC, 49668, { dhost: 'DC01.corp.contoso.com' }),
      e('02:02:04.900', WKS, U1, S32 + 'dllhost.exe', '172.16.8.40', 8080),
    ]],
  ],
  dga_like_hostname: [
    ['positive.flat.jsonl', [
      e('03:30:02.118', WKS, U1, TEMP1 + 'syncsvc.exe', VPS1, 443, { dhost: 'xkqjfmzbn.com' }),
      e('03:30:09.540', WKS, U1, TEMP1 + 'syncsvc.exe', VPS2, 443, { dhost: 'ktrnfhejnlwpm.ru' }),
      e('03:31:15.007', WKS2, U2, S32 + 'rundll32.exe', VPS3, 80, { dhost: 'a3f9c07e1b2d4e65.net' }),
      e('03:32:44.890', WKS2, U2, S32 + 'rundll32.exe', CF, 443, { dhost: 'pxlmgqvbdtwa.co.uk' }),
    ]],
    ['near_miss.flat.jsonl', [
      e('03:20:00.100', WKS, NETSVC, SVCHOST, '13.107.4.52', 80, { dhost: 'www.msftconnecttest.com' }),
      e('03:20:01.200', WKS, U1, CHROME, '18.66.63.120', 443, { dhost: 'd1a2b3c4d5e6f7.cloudfront.net' }),
      e('03:20:02.300', WKS, U1, CHROME, '159.45.170.145', 443, { dhost: 'www.wellsfargo.com' }),
      e('03:20:03.400', WKS, U1, CHROME, '104.18.10.207', 443, { dhost: 'stackpath.bootstrapcdn.com' }),
      e('03:20:04.500', WKS, U1, 'C:\\Program Files (x86)\\Steam\\steam.exe', '23.36.117.229', 443, { dhost: 'steamcommunity.com' }),
      e('03:20:05.600', WKS, U1, CHROME, '173.194.183.7', 443, { dhost: 'rr3---sn-4g5e6nz7.googlevideo.com' }),
      e('03:20:06.700', WKS, U1, CHROME, '185.15.59.224', 443, { dhost: 'en.wikipedia.org' }),
    ]],
  ],
  long_encoded_hostname_label: [
    ['positive.xml', [
      e('03:10:01.200', WKS, U1, TEMP1 + 'syncsvc.exe', VPS1, 53, { proto: 'udp', dhost: '4d5a90000300000004000000ffff0000b8000000.data.cloudsync-metrics.net' }),
      e('03:10:02.870', WKS, U1, TEMP1 + 'syncsvc.exe', VPS1, 443, { dhost: 'gezdgnbvgy3tqojqgezdgnbvgy3tqojq.t.cdn-analytics-hub.com' }),
    ]],
    ['near_miss.xml', [
      e('03:00:00.100', WKS, U1, CHROME, '142.250.185.98', 443, { dhost: 'e3b0c44298fc1c149afbf4c8996fb924.safeframe.googlesyndication.com' }),
      e('03:00:03.300', WKS, U1, CHROME, '173.194.183.7', 443, { dhost: 'rr4---sn-4g5ednsl.googlevideo.com' }),
      e('03:00:05.500', WKS, U1, CHROME, '18.66.63.120', 443, { dhost: 'd1a2b3c4d5e6f7.cloudfront.net' }),
      e('03:00:07.700', WKS, U1, CHROME, '203.0.113.200', 443, { dhost: 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d.example.com' }),
      e('03:00:09.900', WKS, U1, TEMP1 + 'syncsvc.exe', VPS1, 443, { dhost: 'customer-portal-eu-west-1-prod.example.com' }),
    ]],
  ],
  threat_intel_domain_connection: [
    ['positive.flat.jsonl', [
      e('05:12:44.010', APP, SYSTEM, 'C:\\Program Files (x86)\\SolarWinds\\Orion\\SolarWinds.BusinessLayerHost.exe', '20.140.0.1', 443,
        { dhost: '7cbtailjomqle1pjvr2d.appsync-api.eu-west-1.avsvmcloud.com' }),
      e('05:30:02.555', WKS, U1, TEMP1 + 'msupdate64.exe', VPS2, 443, { dhost: 'deftsecurity.com' }),
    ]],
    ['near_miss.flat.jsonl', [
      e('05:00:01.010', WKS, U1, CHROME, '104.18.22.1', 443, { dhost: 'notavsvmcloud.com' }),
      e('05:01:02.020', APP, SYSTEM, 'C:\\Program Files (x86)\\SolarWinds\\Orion\\SolarWinds.BusinessLayerHost.exe', '13.35.93.11', 443, { dhost: 'downloads.solarwinds.com' }),
    ]],
  ],
  threat_intel_ip_connection: [
    ['positive.xml', [e('06:33:10.410', WKS2, U2, ROAM2 + 'Adobe\\acrotray.exe', '203.0.113.77', 443)]],
    ['near_miss.ecs.ndjson', [
      e('06:30:00.000', WKS2, U2, ROAM2 + 'Adobe\\acrotray.exe', '203.0.113.78', 443),
      e('06:31:00.000', WKS2, U2, CHROME, '2001:db8:0:0:0:0:0:67', 443),
    ]],
  ],
  newly_registered_domain_connection: [
    ['positive.xml', [
      e('07:15:20.315', WKS, U1, EDGE, VPS1, 443, { dhost: 'login-verify-portal.example' }),
      e('07:16:02.040', WKS, U1, PS, VPS1, 443, { dhost: 'files.invoice-docs-share.example' }),
    ]],
    ['near_miss.xml', [
      e('07:10:00.100', WKS, U1, EDGE, '93.184.215.14', 443, { dhost: 'portal.example' }),
      e('07:11:00.200', WKS, U1, EDGE, VPS2, 443, { dhost: 'login-verify-portal.example.com' }),
    ]],
  ],
  dynamic_dns_domain_connection: [
    ['positive.ecs.ndjson', [
      e('21:02:13.700', WKS, U1, ROAM2.replace('a.nguyen', 'j.miller') + 'svchost32.exe', VPS3, 8080, { dhost: 'c2relay.duckdns.org' }),
      e('21:40:51.220', WKS2, U2, S32 + 'rundll32.exe', VPS2, 443, { dhost: 'office-sync.ddns.net' }),
    ]],
    ['near_miss.ecs.ndjson', [
      e('21:00:00.010', WKS, U1, CHROME, '54.191.221.201', 443, { dhost: 'duckdns.org' }),
      e('21:00:30.020', WKS, U1, CHROME, '8.23.224.110', 443, { dhost: 'www.noip.com' }),
      e('21:01:00.030', WKS, U1, CHROME, '104.18.12.33', 443, { dhost: 'ddns.net.cdn-cache.com' }),
    ]],
  ],
  smb_from_script_host_or_lolbin: [
    ['positive.xml', [
      e('14:11:02.601', WKS, U1, S32 + 'rundll32.exe', '10.20.5.11', 445, { dhost: 'WKS-HR-011.corp.contoso.com' }),
      e('14:12:37.993', WKS, U1, PS, '10.20.5.30', 445),
    ]],
    ['near_miss.xml', [
      e('14:10:00.100', WKS, SYSTEM, 'System', FS, 445, { dhost: 'SRV-FS01.corp.contoso.com' }),
      e('14:10:30.200', WKS, U1, PS, '10.20.5.11', 443),
      e('14:10:45.300', WKS, U1, S32 + 'rundll32.exe', '127.0.0.1', 445),
    ]],
  ],
  smb_from_non_system_process: [
    ['positive.flat.jsonl', [
      e('14:30:12.551', WKS, U1, TEMP1 + 'python\\python.exe', '10.20.5.11', 445, { dhost: 'WKS-HR-011.corp.contoso.com' }),
      e('14:30:12.902', WKS, U1, 'C:\\ProgramData\\Microsoft\\svchost.exe', '10.20.5.30', 445),
    ]],
    ['near_miss_system.flat.jsonl', [
      e('14:20:00.010', WKS, SYSTEM, 'System', FS, 445, { dhost: 'SRV-FS01.corp.contoso.com' }),
      e('14:20:05.020', WKS, SYSTEM, 'System', DC, 445, { dhost: 'DC01.corp.contoso.com' }),
      e('14:21:10.030', WKS, SYSTEM, 'C:\\ProgramData\\Microsoft\\Windows Defender Advanced Threat Protection\\Platform\\10.8760.27703.1006\\MsSense.exe', '10.20.5.11', 445),
      e('14:22:00.040', WKS, U1, TEMP1 + 'python\\python.exe', '10.20.5.11', 443),
    ]],
  ],
  remote_admin_tool_rpc_connection: [
    ['positive.xml', [
      e('22:01:03.310', WKS, ADM, S32 + 'sc.exe', '10.20.5.11', 135, { dhost: 'WKS-HR-011.corp.contoso.com' }),
      e('22:01:03.355', WKS, ADM, S32 + 'sc.exe', '10.20.5.11', 49673, { dhost: 'WKS-HR-011.corp.contoso.com' }),
      e('22:05:40.120', WKS, ADM, S32 + 'wbem\\WMIC.exe', '10.20.5.30', 135),
    ]],
    ['near_miss.xml', [
      e('22:00:00.100', WKS, ADM, S32 + 'sc.exe', '127.0.0.1', 135),
      e('22:00:10.200', WKS, SYSTEM, SVCHOST, DC, 135, { dhost: 'DC01.corp.contoso.com' }),
      e('22:00:20.300', WKS, ADM, S32 + 'wbem\\WMIC.exe', '10.20.5.30', 5985),
    ]],
  ],
  services_inbound_remote_rpc: [
    ['positive.ecs.ndjson', [
      e('22:01:03.420', WKS2, SYSTEM, S32 + 'services.exe', WKS.ip, 49670, { initiated: false, src: WKS.ip, sport: 51322, shost: 'WKS-FIN-023.corp.contoso.com' }),
    ]],
    ['near_miss.ecs.ndjson', [
      e('22:00:00.000', WKS2, SYSTEM, S32 + 'services.exe', '127.0.0.1', 49670, { initiated: false, src: '127.0.0.1', sport: 51999 }),
      e('22:00:05.000', WKS2, NETSVC, SVCHOST, WKS.ip, 135, { initiated: false, src: WKS.ip, sport: 51321 }),
    ]],
  ],
  dns_traffic_from_non_resolver_process: [
    ['positive_single.xml', [
      e('04:02:10.101', WKS, U1, TEMP1 + 'python\\python.exe', DC, 53, { proto: 'udp' }),
      e('04:05:33.550', WKS, U1, PS, '8.8.8.8', 53, { proto: 'udp' }),
    ]],
    ['near_miss_resolvers.xml', [
      e('04:00:00.100', WKS, NETSVC, SVCHOST, DC, 53, { proto: 'udp' }),
      e('04:00:00.900', WKS, NETSVC, SVCHOST, DC, 53, { proto: 'udp' }),
      e('04:00:01.300', WKS, U1, CHROME, DC, 53, { proto: 'udp' }),
      e('04:00:02.100', DCH, SYSTEM, S32 + 'dns.exe', '8.8.8.8', 53, { proto: 'udp' }),
      e('04:00:03.700', WKS, SYSTEM, 'C:\\ProgramData\\Microsoft\\Windows Defender Advanced Threat Protection\\Platform\\10.8760.27703.1006\\MsSense.exe', DC, 53, { proto: 'udp' }),
    ]],
    ['positive_burst.flat.jsonl', dnsBurst(WKS2, U2, ROAM2 + 'Microsoft\\OneDriveUpd.exe', '2026-11-18T23:00:05Z', 120, 240_000, 11)],
    ['near_miss_low_rate.flat.jsonl.gz', [
      ...dnsBurst(WKS2, U2, ROAM2 + 'Microsoft\\OneDriveUpd.exe', '2026-11-18T23:00:05Z', 30, 280_000, 12),
      ...dnsBurst(WKS2, NETSVC, SVCHOST, '2026-11-18T23:00:02Z', 300, 290_000, 13),
    ]],
  ],
  dns_from_script_host_or_lolbin: [
    ['positive.ecs.ndjson', [
      e('04:20:10.010', WKS, U1, PS, DC, 53, { proto: 'udp' }),
      e('04:25:44.600', WKS2, U2, S32 + 'cscript.exe', '8.8.8.8', 53, { proto: 'udp' }),
    ]],
    ['near_miss.ecs.ndjson', [
      e('04:20:09.500', WKS, NETSVC, SVCHOST, DC, 53, { proto: 'udp' }),
      e('04:21:00.100', WKS, U1, PS, DC, 389, { dhost: 'DC01.corp.contoso.com' }),
      e('04:22:00.200', WKS, U1, S32 + 'nslookup.exe', DC, 53, { proto: 'udp' }),
    ]],
  ],
  dns_to_public_resolver: [
    ['positive.flat.jsonl', [
      e('04:40:11.310', WKS, U1, TEMP1 + 'syncsvc.exe', '8.8.8.8', 53, { proto: 'udp' }),
      e('04:41:02.700', WKS2, NETSVC, SVCHOST, '1.1.1.1', 53, { proto: 'udp' }),
    ]],
    ['near_miss.flat.jsonl', [
      e('04:40:00.100', WKS, NETSVC, SVCHOST, DC, 53, { proto: 'udp' }),
      e('04:40:01.200', DCH, SYSTEM, S32 + 'dns.exe', '8.8.8.8', 53, { proto: 'udp' }),
      e('04:40:02.300', WKS, NETSVC, SVCHOST, 'fe80:0:0:0:4a1c:2e90:17b3:a001', 53, { proto: 'udp' }),
    ]],
  ],
  doh_resolver_from_non_browser: [
    ['positive.xml', [
      e('05:50:10.880', WKS, U1, S32 + 'rundll32.exe', '8.8.4.4', 443, { dhost: 'dns.google' }),
      e('05:52:31.042', WKS2, U2, ROAM2 + 'winsvc\\wsvc.exe', '104.16.249.249', 443, { dhost: 'cloudflare-dns.com' }),
    ]],
    ['near_miss_browser.xml', [
      e('05:50:00.100', WKS, U1, FIREFOX, '104.16.248.249', 443, { dhost: 'mozilla.cloudflare-dns.com' }),
      e('05:50:01.200', WKS, NETSVC, SVCHOST, '8.8.8.8', 443, { dhost: 'dns.google' }),
      e('05:50:02.300', WKS, U1, CHROME, '8.8.4.4', 443, { dhost: 'dns.google' }),
    ]],
  ],
  inbound_connection_to_shell_or_script_host: [
    ['positive.flat.jsonl', [
      e('01:10:22.660', WKS, U1, S32 + 'cmd.exe', '10.20.5.30', 4444, { initiated: false, src: '10.20.5.30', sport: 50112 }),
      e('01:45:09.135', APP, ADM, PS, VPS3, 8080, { initiated: false, src: VPS3, sport: 41890 }),
    ]],
    ['near_miss.flat.jsonl', [
      e('01:00:00.100', WKS, U1, PS, '127.0.0.1', 8080, { initiated: false, src: '127.0.0.1', sport: 50111 }),
      e('01:00:01.200', WKS, U1, PS, DC, 52001, { initiated: false, proto: 'udp', src: DC, sport: 53 }),
      e('01:00:02.300', APP, NETSVC, SVCHOST, WKS.ip, 5985, { initiated: false, src: WKS.ip, sport: 50200 }),
    ]],
  ],
  beacon_periodic_connection: [
    ['positive_single.xml', [
      e('12:00:10.100', WKS, U1, S32 + 'rundll32.exe', VPS2, 443),
      e('12:01:10.200', WKS2, U2, TEMP1.replace('j.miller', 'a.nguyen') + 'agent.exe', '172.67.141.20', 8080),
    ]],
    ['near_miss_allowlisted.xml', [
      e('12:00:00.100', WKS, SYSTEM, 'C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24090.11-0\\MsMpEng.exe', '20.10.31.115', 443),
      e('12:00:01.200', WKS, LOCALSVC, SVCHOST, DC, 123, { proto: 'udp', dhost: 'DC01.corp.contoso.com' }),
      e('12:00:02.300', WKS, NETSVC, SVCHOST, '10.20.1.40', 5985, { dhost: 'wec01.corp.contoso.com' }),
      e('12:00:03.400', WKS, SYSTEM, 'System', FS, 445, { dhost: 'SRV-FS01.corp.contoso.com' }),
      e('12:00:04.500', WKS, U1, 'C:\\Users\\j.miller\\AppData\\Local\\Microsoft\\OneDrive\\OneDrive.exe', '13.107.42.12', 443),
      e('12:00:05.600', WKS, U1, CHROME, '239.255.255.250', 1900, { proto: 'udp' }),
      e('12:00:06.700', WKS, U1, 'C:\\Program Files\\WindowsApps\\MSTeams_24295.605.3225.8804_x64__8wekyb3d8bbwe\\ms-teams.exe', '52.113.194.132', 443, { dhost: 'teams.microsoft.com' }),
      e('12:00:07.800', EC2, SYSTEM, 'C:\\Program Files\\Amazon\\SSM\\amazon-ssm-agent.exe', '169.254.169.254', 80),
    ]],
  ],
  rdp_from_non_rdp_client: [
    ['positive.xml', [
      e('23:30:05.220', WKS, U1, 'C:\\Users\\Public\\plink.exe', '127.0.0.1', 3389),
      e('23:41:44.801', WKS, U1, 'C:\\ProgramData\\chisel.exe', '10.20.5.11', 3389),
    ]],
    ['near_miss_mstsc.xml', [
      e('23:00:00.100', WKS, ADM, S32 + 'mstsc.exe', APP.ip, 3389, { dhost: 'SRV-APP02.corp.contoso.com' }),
      e('23:00:10.200', WKS, ADM, 'C:\\Program Files\\Remote Desktop\\msrdc.exe', APP.ip, 3389),
      e('23:00:20.300', WKS, ADM, 'C:\\Program Files\\Microsoft\\RDCMan\\RDCMan.exe', '10.20.1.33', 3389),
    ]],
  ],
  rdp_loopback_tunnel: [
    ['positive.flat.jsonl', [
      e('23:30:05.220', WKS, U1, 'C:\\Users\\Public\\plink.exe', '127.0.0.1', 3389),
      e('23:30:05.390', WKS, NETSVC, SVCHOST, '127.0.0.1', 50122, { sport: 3389 }),
    ]],
    ['near_miss.flat.jsonl', [
      e('23:00:00.100', WKS, ADM, S32 + 'mstsc.exe', APP.ip, 3389),
      e('23:00:01.200', APP, NETSVC, SVCHOST, WKS.ip, 3389, { initiated: false, src: WKS.ip, sport: 51234 }),
      e('23:00:02.300', WKS, U1, 'C:\\Users\\Public\\plink.exe', '127.0.0.1', 3390),
    ]],
  ],
  winrm_from_unusual_client: [
    ['positive.ecs.ndjson', [
      e('19:20:11.440', WKS, U1, 'C:\\Ruby31-x64\\bin\\ruby.exe', APP.ip, 5985),
      e('19:31:02.090', WKS, U1, TEMP1 + 'python\\python.exe', '10.20.5.11', 5986),
    ]],
    ['near_miss_known_clients.ecs.ndjson', [
      e('19:00:00.100', WKS, NETSVC, SVCHOST, '10.20.1.40', 5985, { dhost: 'wec01.corp.contoso.com' }),
      e('19:00:10.200', APP, ADM, PS, '10.20.1.33', 5985),
      e('19:00:20.300', APP, ADM, S32 + 'ServerManager.exe', '10.20.1.33', 5985),
      e('19:00:30.400', WKS, U1, 'C:\\Ruby31-x64\\bin\\ruby.exe', '127.0.0.1', 5985),
    ]],
  ],
  powershell_remoting_outbound: [
    ['positive.xml', [
      e('19:40:31.008', WKS, ADM, PS, APP.ip, 5985, { dhost: 'SRV-APP02.corp.contoso.com' }),
      e('19:52:14.617', WKS, ADM, S32 + 'winrs.exe', '10.20.5.11', 5985),
    ]],
    ['near_miss.xml', [
      e('19:40:00.100', WKS, ADM, PS, '127.0.0.1', 5985),
      e('19:40:01.200', WKS, NETSVC, SVCHOST, '10.20.1.40', 5985, { dhost: 'wec01.corp.contoso.com' }),
      e('19:40:02.300', WKS, ADM, PS, APP.ip, 443),
    ]],
  ],
  tunnelling_service_connection: [
    ['positive.ecs.ndjson', [
      e('02:20:40.515', WKS, U1, 'C:\\Users\\j.miller\\Downloads\\ngrok.exe', '3.20.27.198', 443, { dhost: 'tunnel.us.ngrok.com' }),
      e('02:31:12.070', WKS2, U2, S32 + 'rundll32.exe', '104.16.231.132', 443, { dhost: 'gently-wise-maple-river.trycloudflare.com' }),
      e('02:44:55.900', WKS, U1, PS, '18.192.93.86', 443, { dhost: '8d3f-81-2-69-142.ngrok-free.app' }),
    ]],
    ['near_miss.ecs.ndjson', [
      e('02:20:00.100', WKS, U1, CHROME, '104.16.124.96', 443, { dhost: 'www.cloudflare.com' }),
      e('02:20:10.200', WKS, U1, CHROME, '198.51.100.9', 443, { dhost: 'notngrok.io' }),
      e('02:20:20.300', WKS, U1, CHROME, '52.85.132.23', 443, { dhost: 'ngrok.com.docs-mirror.net' }),
    ]],
  ],
  ip_lookup_service_from_non_browser: [
    ['positive.flat.jsonl', [
      e('06:02:33.400', WKS, U1, PS, '104.26.12.205', 443, { dhost: 'api.ipify.org' }),
      e('06:10:07.220', WKS2, U2, ROAM2 + 'winsvc\\wsvc.exe', '34.117.59.81', 443, { dhost: 'ipinfo.io' }),
    ]],
    ['near_miss_browser.flat.jsonl', [
      e('06:00:00.100', WKS, U1, CHROME, '34.117.59.81', 443, { dhost: 'ipinfo.io' }),
      e('06:00:10.200', WKS, U1, FIREFOX, '34.160.111.145', 443, { dhost: 'ifconfig.me' }),
      e('06:00:20.300', WKS, U1, PS, '140.82.112.6', 443, { dhost: 'api.github.com' }),
    ]],
  ],
  cloud_metadata_from_script_host: [
    ['positive.xml', [
      e('07:30:15.044', EC2, SYSTEM, PS, '169.254.169.254', 80),
      e('07:31:40.512', EC2, 'EC2AMAZ-7Q3K1LM\\Administrator', S32 + 'curl.exe', 'fd00:ec2:0:0:0:0:0:254', 80),
    ]],
    ['near_miss_agents.xml', [
      e('07:30:00.100', EC2, SYSTEM, 'C:\\Program Files\\Amazon\\SSM\\amazon-ssm-agent.exe', '169.254.169.254', 80),
      e('07:30:01.200', EC2, SYSTEM, 'C:\\Program Files\\Amazon\\cfn-bootstrap\\winhup.exe', '169.254.169.254', 80, { dhost: 'instance-data.ec2.internal' }),
      e('07:30:02.300', EC2, SYSTEM, PS, '169.254.169.253', 53, { proto: 'udp' }),
      e('07:30:03.400', EC2, SYSTEM, 'C:\\WindowsAzure\\GuestAgent_2.7.41491.1102\\WindowsAzureGuestAgent.exe', '168.63.129.16', 80),
    ]],
  ],
  notepad_like_process_network_connection: [
    ['positive.ecs.ndjson', [
      e('16:44:12.809', WKS, U1, S32 + 'notepad.exe', VPS2, 443),
      e('16:50:05.330', WKS2, U2, W64 + 'calc.exe', '10.20.5.30', 8443),
    ]],
    ['near_miss_store_app.ecs.ndjson', [
      e('16:40:00.100', WKS, U1, 'C:\\Program Files\\WindowsApps\\Microsoft.WindowsNotepad_11.2409.9.0_x64__8wekyb3d8bbwe\\Notepad\\Notepad.exe', '20.42.65.92', 443),
      e('16:40:10.200', WKS, U1, 'C:\\Program Files\\Notepad++\\notepad++.exe', '104.21.26.114', 443, { dhost: 'notepad-plus-plus.org' }),
      e('16:40:20.300', WKS, U1, S32 + 'notepad.exe', '127.0.0.1', 8080),
    ]],
  ],
  web_service_c2_from_non_browser: [
    ['positive.xml', [
      e('08:05:51.610', WKS, U1, PS, '149.154.167.220', 443, { dhost: 'api.telegram.org' }),
      e('08:20:03.982', WKS2, U2, ROAM2 + 'winsvc\\wsvc.exe', '162.159.130.233', 443, { dhost: 'cdn.discordapp.com' }),
    ]],
    ['near_miss_clients.xml', [
      e('08:00:00.100', WKS, U1, 'C:\\Users\\j.miller\\AppData\\Roaming\\Telegram Desktop\\Telegram.exe', '149.154.167.220', 443, { dhost: 'api.telegram.org' }),
      e('08:00:10.200', WKS, U1, 'C:\\Users\\j.miller\\AppData\\Local\\Discord\\app-1.0.9170\\Discord.exe', '162.159.135.232', 443, { dhost: 'discord.com' }),
      e('08:00:20.300', WKS, U1, CHROME, '104.22.68.199', 443, { dhost: 'pastebin.com' }),
    ]],
  ],
};

/** `count` DNS queries spread over `spanMs` from `start`, deterministic jitter. */
function dnsBurst(host: Host, user: string, image: string, start: string, count: number, spanMs: number, seed: number): EventSpec[] {
  const r = rng(seed);
  const t0 = Date.parse(start);
  const out: EventSpec[] = [];
  for (let i = 0; i < count; i++) {
    const t = t0 + Math.floor((i / count) * spanMs + r() * (spanMs / count) * 0.8);
    out.push({ t, host, user, image, dst: DC, dport: 53, proto: 'udp' });
  }
  return out;
}

export function writeRuleFixtures(root = ROOT): number {
  let files = 0;
  for (const [stem, fixtures] of Object.entries(RULE_FIXTURES)) {
    const factory = new EventFactory(hashSeed(stem));
    for (const [file, specs] of fixtures) {
      const events: NetEvent[] = specs.map((s) => factory.make(s));
      writeFixture(join(root, stem, file), events);
      files++;
    }
  }
  files += writeBeaconFixtures(join(root, 'beacon_periodic_connection'));
  return files;
}

function hashSeed(s: string): number {
  let h = 7;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) >>> 0;
  return h;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const n = writeRuleFixtures();
  process.stdout.write(`wrote ${n} fixture files under ${ROOT}\n`);
}
