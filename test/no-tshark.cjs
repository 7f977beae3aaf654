// Loaded by `npm run test:unit`: a unit test that starts tshark fails with "tshark not found", instead of
// quietly running the decoder (and taking seconds) where only milliseconds were meant.
'use strict';
process.env.TEAMSHARK_TSHARK = '/nonexistent/unit-tests-run-no-tshark';
