/** The Bitrise log palette (go-utils colorstring): bold ANSI colours. */
export const colors = {
  red: '\x1b[31;1m',
  green: '\x1b[32;1m',
  yellow: '\x1b[33;1m',
  blue: '\x1b[34;1m',
  magenta: '\x1b[35;1m',
  reset: '\x1b[0m',
} as const;

export type Color = Exclude<keyof typeof colors, 'reset'>;

export function paint(color: Color, text: string): string {
  return `${colors[color]}${text}${colors.reset}`;
}

const ANSI = /\x1b\[[0-9;]*m/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}
