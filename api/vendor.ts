/**
 * Browser libraries the web UI loads, served by the API itself from node_modules like its own
 * scripts: no CDN, no request to another host, so the UI's Content-Security-Policy (script-src
 * 'self') holds. ECharts draws the 督办台账's charts (web/ledger.js imports it when that page opens).
 * Open to anyone, as the UI's files are: a published library, no data.
 */
import path from 'node:path';
import type { RequestHandler } from 'express';

/** ECharts' single-file ES module build (echarts/dist), as the UI imports it. */
export const ECHARTS_PATH = '/vendor/echarts.esm.min.js';
// require.resolve('echarts') is dist/echarts.js (the package's CommonJS entry): its folder holds the rest.
const ECHARTS_FILE = path.join(path.dirname(require.resolve('echarts')), 'echarts.esm.min.js');

export function vendorScripts(): RequestHandler {
  return (req, res, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || req.path !== ECHARTS_PATH) return next();
    res.sendFile(ECHARTS_FILE, (err) => {
      if (err) next(err);
    });
  };
}
