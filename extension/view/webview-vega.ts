// The analysis view's chart runtime, bundled for the browser into dist/webview/vega.js: Vega and its CSP-safe
// expression interpreter (the view's CSP forbids eval, which Vega's default expression code generation needs).
import * as vega from 'vega';
import { expressionInterpreter } from 'vega-interpreter';

Object.assign(globalThis, { vega, vegaInterpreter: expressionInterpreter });
