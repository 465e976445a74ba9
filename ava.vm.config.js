// `pnpm test:vm`: the VM image boot test, apart from the main suite because one boot under
// emulation takes minutes (the main suite's inactivity timeout is two minutes).
export default {
  files: ["test/vm-boot/**/*.test.ts"],
  extensions: { ts: "module" },
  nodeArguments: ["--import=tsx", "--conditions=oclog-source"],
  workerThreads: false,
  timeout: "40m",
};
