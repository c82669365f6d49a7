/**
 * Runs a demo as a command: exits with the code `demo` resolves to, 1 when it throws, and 1 when it has not finished
 * within `deadlineMs` (a hung server must not hang the command).
 */
export function runDemoMain(demo: () => Promise<number>, deadlineMs: number): void {
  const deadline = setTimeout(() => {
    console.error(`The demo did not finish within ${deadlineMs / 1000} s; stopping.`);
    process.exit(1);
  }, deadlineMs);
  deadline.unref();
  demo().then(code => process.exit(code), e => {
    console.error(e);
    process.exit(1);
  });
}
