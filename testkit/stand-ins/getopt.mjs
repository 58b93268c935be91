// BSD getopt(3), as macOS tools parse their options: clustered flags (`-lut 72000`), an option's
// argument attached or as the next word, and parsing stops at the first operand or at `--`.

/**
 * Parses `args` against `optstring` (a letter followed by `:` takes an argument).
 * Returns the options in order, the operands after them, and an error text for an unknown option
 * or a missing argument (what getopt prints before the tool shows its usage).
 */
export function getopt(args, optstring) {
  const options = [];
  let index = 0;
  while (index < args.length) {
    const word = args[index];
    if (word === '--') {
      index++;
      break;
    }
    if (!word.startsWith('-') || word === '-') break;
    index++;
    for (let at = 1; at < word.length; at++) {
      const letter = word[at];
      const spec = optstring.indexOf(letter);
      if (letter === ':' || spec < 0) return { options, operands: [], error: `illegal option -- ${letter}` };
      if (optstring[spec + 1] !== ':') {
        options.push([letter, undefined]);
        continue;
      }
      const attached = word.slice(at + 1);
      if (attached) {
        options.push([letter, attached]);
      } else if (index < args.length) {
        options.push([letter, args[index++]]);
      } else {
        return { options, operands: [], error: `option requires an argument -- ${letter}` };
      }
      break;
    }
  }
  return { options, operands: args.slice(index), error: undefined };
}
