// Records an envman call in the stand-ins' format without reading stdin, which envman needs.
import { recordCall } from '../stand-ins/recording.mjs';

const [tool, ...argv] = process.argv.slice(2);
recordCall(tool, argv, { readsStdin: false });
