// CSI, OSC (terminated by BEL or ST), and lone two-byte escapes. Log content is hostile
// input: an escape in a message must not recolour, move or retitle an investigator's terminal.
export const ANSI_PATTERN =
  // eslint-disable-next-line no-control-regex
  /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u009b[0-?]*[ -/]*[@-~]|\u001b[@-Z\\-_]/g;
// C0 controls other than tab and newline, DEL, and C1 controls.
// eslint-disable-next-line no-control-regex
export const CONTROL_PATTERN = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** Removes ANSI escape sequences and other control characters (keeps tab and newline). */
export function stripAnsi(text: string): string {
  return text.replace(ANSI_PATTERN, "").replace(CONTROL_PATTERN, "");
}
