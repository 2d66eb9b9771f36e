/**
 * The nightly's entry point: build the app and listen. Keep this file short: the demo build is this
 * file plus one import line (patches/demo.patch).
 */
import { runServer } from './runServer';

void runServer(process.argv.slice(2));
