/**
 * Child process: the honest floor. The least work any implementation must do on this engine for the tool's end
 * state, in one transaction over one connection, with the tool's own statements, batches and pipelining:
 * keyset-read every catalog document (Id and JSON), write back exactly the documents whose content changes, and insert
 * the same quarantine rows (creating the quarantine table as the tool does); see ../lib/reset-floor.ts. What to send
 * (each page's statements, parameters and all) comes from a plan made before timing and read as a stream
 * (../lib/floor-plan.ts): no parsing, no deciding, no encoding; its memory is flat. (The
 * tool also replaces the certificate document and adds one audit event: two rows, left out.)
 *
 * Usage: honest-floor-run.ts --database-url URL --plan FILE [--batch-size N]
 */
import {measureHonestFloor} from '../lib/reset-floor.js'

await measureHonestFloor('honest-floor-run.ts --database-url URL --plan FILE [--batch-size N]')
