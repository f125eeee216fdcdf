/*!
 * umd-chart v2.9.9 -- a fixture in the image of a UMD charting bundle (we export one class)
 */
(function (global, factory) {
typeof exports === 'object' && typeof module !== 'undefined' ? module.exports = factory(function() { try { return require('umd-moment'); } catch(e) { } }()) :
typeof define === 'function' && define.amd ? define(['require'], function(require) { return factory(function() { try { return require('umd-moment'); } catch(e) { } }()); }) :
(global = global || self, global.Chart = factory(global.moment));
}(this, (function (moment) { 'use strict';

moment = moment && moment.hasOwnProperty('default') ? moment['default'] : moment;

var helpers = {
  clamp: function (value, low, high) { return Math.max(low, Math.min(high, value)); }
};

function Chart(item, config) {
  this.canvas = item;
  this.type = config.type;
  this.moment = typeof moment;
}
Chart.version = '2.9.9';
Chart.helpers = helpers;

return Chart;

})));
