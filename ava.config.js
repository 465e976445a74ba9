// The main suite (`npm test`); the VM image boot test has its own config (ava.vm.config.js).
// The longest file starts first. Files run two at a time, in path order otherwise, and the live
// gateway scenarios (about 8 minutes, two gateways at once) came late in that order: on a 2-core
// run they were the last 5.5 minutes of a 20-minute suite, alone. Started first, they share the
// cores with the short files instead.
// The release matrix's live runs (about 3.5 minutes, one gateway at a time) came last of all in
// path order, and were the suite's last 4 minutes: they start second. The scenarios scored from
// every release's fixtures (about 2 minutes, one release after the other) were then the suite's
// last 2 minutes, alone: they start third.
// Then the files that take longest on their own (pipeline-faults 95 s, device-pairing 40-45 s,
// pipeline-e2e 40 s, openclaw-config 30 s): in path order they were the suite's tail, where one
// of the two cores stood idle for the last 2.5 minutes.
const FIRST = [
  "test/scenarios/gateway-scenarios.test.ts",
  "test/pipeline/release-matrix.test.ts",
  "test/scenarios/scenarios.test.ts",
  "test/pipeline/pipeline-faults.test.ts",
  "test/scenarios/device-pairing.test.ts",
  "test/pipeline/pipeline-e2e.test.ts",
  "test/vm/openclaw-config.test.ts",
];
const rank = (file) => {
  const index = FIRST.findIndex((suffix) => file.endsWith(suffix));
  return index === -1 ? FIRST.length : index;
};

export default {
  files: ["packages/*/test/**/*.test.ts", "test/**/*.test.ts", "!test/vm-boot/**"],
  extensions: { ts: "module" },
  nodeArguments: ["--import=tsx", "--conditions=oclog-source"],
  workerThreads: false,
  timeout: "120s",
  sortTestFiles: (a, b) => rank(a) - rank(b) || a.localeCompare(b, [], { numeric: true }),
};
