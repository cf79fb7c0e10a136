// The page's own script: reads the embedded chart data and draws it with the inlined uPlot.
// It is kept as plain browser JavaScript text (no build step) and must not contain backticks.

/** Browser JavaScript that draws every `[data-chart]` element of the report. */
export const CLIENT_SCRIPT = String.raw`
(function () {
  'use strict'
  var data = JSON.parse(document.getElementById('perf-data').textContent)
  var charts = []
  window.__perfCharts = charts
  var colors = { p50: '#2b7bb9', p95: '#e08a00', p99: '#c0392b', rps: '#2b7bb9', errors: '#c0392b',
    dropped: '#8e44ad', raw: '#2b7bb9', corrected: '#c0392b', cpu: '#2b7bb9', memory: '#16a085',
    disk: '#8e44ad', loop: '#7f8c8d' }
  var groups = { latency: ['p50', 'p90', 'p95', 'p99', 'p999', 'max', 'mean', 'latency'],
    throughput: ['rps', 'throughput', 'errors', 'dropped', 'errorRate'],
    host: ['cpu', 'memory', 'disk', 'loop', 'eventLoop', 'loopDelay'] }

  function fmt(v, unit) {
    if (v == null || !isFinite(v)) return '\u2013'
    var a = Math.abs(v)
    var n = a >= 100 ? Math.round(v) : a >= 10 ? Math.round(v * 10) / 10 : Math.round(v * 100) / 100
    return n + (unit ? ' ' + unit : '')
  }
  function pctLabel(x) {
    var p = 100 * (1 - 1 / x)
    return (Math.round(p * 1000) / 1000) + '%'
  }
  function series(label, key, scale, extra) {
    var s = { label: label, stroke: colors[key], width: 1.5, scale: scale, spanGaps: false }
    for (var k in extra || {}) s[k] = extra[k]
    return s
  }
  function groupOf(metric) {
    for (var g in groups) if (groups[g].indexOf(metric) >= 0) return g
    return null
  }

  // Vertical lines where the insights found an anomaly (red) or a level shift (purple, dashed).
  function markPlugin(marks, group) {
    var own = marks.filter(function (m) { return groupOf(m.metric) === group })
    return { hooks: { draw: [function (u) {
      if (!own.length) return
      var ctx = u.ctx
      ctx.save()
      own.forEach(function (m) {
        var x = Math.round(u.valToPos(m.t, 'x', true))
        if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) return
        ctx.strokeStyle = m.kind === 'anomaly' ? 'rgba(192,57,43,0.9)' : 'rgba(142,68,173,0.9)'
        ctx.setLineDash(m.kind === 'anomaly' ? [] : [6, 4])
        ctx.lineWidth = 1.5
        ctx.beginPath()
        ctx.moveTo(x, u.bbox.top)
        ctx.lineTo(x, u.bbox.top + u.bbox.height)
        ctx.stroke()
        if (m.kind === 'anomaly') {
          ctx.fillStyle = 'rgba(192,57,43,0.9)'
          ctx.beginPath()
          ctx.arc(x, u.bbox.top + 6, 4, 0, 2 * Math.PI)
          ctx.fill()
        }
      })
      ctx.restore()
    }] } }
  }

  // Host charts: a yellow band from each resource's warning bound, a red one from its critical bound.
  function levelPlugin(levels) {
    return { hooks: { drawClear: [function (u) {
      var ctx = u.ctx
      ctx.save()
      Object.keys(levels).forEach(function (resource) {
        var l = levels[resource]
        var top = u.valToPos(100, 'pct', true)
        var warn = u.valToPos(l.warning, 'pct', true)
        var crit = u.valToPos(l.critical, 'pct', true)
        ctx.fillStyle = 'rgba(243,156,18,0.07)'
        ctx.fillRect(u.bbox.left, crit, u.bbox.width, warn - crit)
        ctx.fillStyle = 'rgba(192,57,43,0.07)'
        ctx.fillRect(u.bbox.left, top, u.bbox.width, crit - top)
      })
      ctx.restore()
    }] } }
  }

  function base(el, title) {
    return { title: title, width: Math.max(280, el.clientWidth || 480), height: 220,
      legend: { live: true }, cursor: { drag: { x: true, y: false } } }
  }
  var time = { label: 's', value: function (u, v) { return v == null ? '\u2013' : v + ' s' } }

  var builders = {
    pct: function (d, el) {
      var o = base(el, 'Latency by percentile')
      o.scales = { x: { time: false, distr: 3, log: 10 }, ms: { auto: true } }
      o.axes = [
        { splits: function (u) { return [1, 10, 100, 1000, 10000].filter(function (v) {
            return v >= u.scales.x.min && v <= u.scales.x.max }) },
          values: function (u, vals) { return vals.map(pctLabel) }, label: 'percentile' },
        { scale: 'ms', label: 'ms', values: function (u, vals) { return vals.map(function (v) { return fmt(v) }) } }
      ]
      o.series = [{ label: 'percentile', value: function (u, v) { return v == null ? '\u2013' : pctLabel(v) } },
        series(d.pct.corrected ? 'raw' : 'latency', 'raw', 'ms', { value: function (u, v) { return fmt(v, 'ms') } })]
      var rows = [d.pct.x, d.pct.raw]
      if (d.pct.corrected) {
        o.series.push(series('corrected', 'corrected', 'ms', { value: function (u, v) { return fmt(v, 'ms') } }))
        rows.push(d.pct.corrected)
      }
      return [o, rows]
    },
    latency: function (d, el) {
      var o = base(el, 'Latency over time')
      o.scales = { x: { time: false }, ms: { auto: true } }
      o.axes = [{ label: 's' }, { scale: 'ms', label: 'ms' }]
      var ms = { value: function (u, v) { return fmt(v, 'ms') } }
      o.series = [time, series('p50', 'p50', 'ms', ms), series('p95', 'p95', 'ms', ms), series('p99', 'p99', 'ms', ms)]
      o.plugins = [markPlugin(d.marks, 'latency')]
      return [o, [axis(d.tl.t), d.tl.p50, d.tl.p95, d.tl.p99]]
    },
    throughput: function (d, el) {
      var o = base(el, 'Throughput and errors over time')
      o.scales = { x: { time: false }, rps: { auto: true }, err: { auto: true, range: function (u, mn, mx) { return [0, Math.max(1, mx)] } } }
      o.axes = [{ label: 's' }, { scale: 'rps', label: 'req/s' },
        { scale: 'err', label: 'errors, dropped /s', side: 1, grid: { show: false } }]
      var per = { value: function (u, v) { return fmt(v, '/s') } }
      var t = axis(d.tl.t)
      o.series = [time, series('req/s', 'rps', 'rps', per)]
      var rows = [t, d.tl.rps]
      // errors and dropped arrive as null when there were none: draw them as zero lines
      o.series.push(series('errors', 'errors', 'err', per), series('dropped', 'dropped', 'err', per))
      rows.push(d.tl.errors || zeros(t.length), d.tl.dropped || zeros(t.length))
      o.plugins = [markPlugin(d.marks, 'throughput')]
      return [o, rows]
    },
    host: function (d, el) {
      var h = d.host
      var o = base(el, 'Host resources over time')
      o.scales = { x: { time: false }, pct: { range: [0, 100] }, loop: { auto: true } }
      o.axes = [{ label: 's' }, { scale: 'pct', label: '%' },
        { scale: 'loop', label: 'loop delay p99, ms', side: 1, grid: { show: false } }]
      var pc = { value: function (u, v) { return fmt(v, '%') } }
      o.series = [time]
      var rows = [axis(h.t)]
      ;['cpu', 'memory', 'disk'].forEach(function (resource) {
        if (!h[resource]) return
        o.series.push(series(resource, resource, 'pct', pc))
        rows.push(h[resource])
      })
      o.series.push(series('loop delay p99', 'loop', 'loop', { dash: [4, 3], value: function (u, v) { return fmt(v, 'ms') } }))
      rows.push(h.loop)
      o.plugins = [levelPlugin(h.levels), markPlugin(d.marks, 'host')]
      return [o, rows]
    }
  }

  // Evenly spaced times arrive as { start, step, count } to keep the file small.
  function axis(t) {
    if (Array.isArray(t)) return t
    var out = new Array(t.count)
    for (var i = 0; i < t.count; i++) out[i] = Math.round((t.start + i * t.step) * 1000) / 1000
    return out
  }
  function zeros(n) {
    var out = new Array(n)
    for (var i = 0; i < n; i++) out[i] = 0
    return out
  }

  // Axis text follows the page's colour, so the charts read in a dark theme too.
  var style = getComputedStyle(document.body)
  var ink = style.color || '#1d232a'
  // translucent, so it reads on light and dark backgrounds alike
  var rule = 'rgba(128,128,128,0.15)'
  function themeAxes(axes) {
    ;(axes || []).forEach(function (a) {
      a.stroke = ink
      a.grid = Object.assign({ stroke: rule, width: 1 }, a.grid || {})
      a.ticks = Object.assign({ stroke: rule, width: 1 }, a.ticks || {})
    })
  }

  function draw(el) {
    if (el.getAttribute('data-drawn')) return
    el.setAttribute('data-drawn', '1')
    var d = data.scenarios[Number(el.getAttribute('data-scenario'))]
    var build = builders[el.getAttribute('data-chart')]
    if (!d || !build) return
    try {
      var made = build(d, el)
      themeAxes(made[0].axes)
      charts.push(new uPlot(made[0], made[1], el))
    } catch (error) {
      el.textContent = 'chart failed: ' + error.message
      el.className += ' chart-error'
    }
  }

  var all = Array.prototype.slice.call(document.querySelectorAll('[data-chart]'))
  // Many scenarios: draw a chart only when it scrolls near the viewport, so a 200-scenario report
  // opens quickly; '?all' or a short report draws everything at once.
  if (all.length <= 60 || !('IntersectionObserver' in window) || /[?&]all\b/.test(location.search)) {
    all.forEach(draw)
  } else {
    var io = new IntersectionObserver(function (entries) {
      entries.forEach(function (e) { if (e.isIntersecting) { io.unobserve(e.target); draw(e.target) } })
    }, { rootMargin: '400px' })
    all.forEach(function (el) { io.observe(el) })
  }
  window.__perfDrawAll = function () { all.forEach(draw); return charts.length }

  var resizing = 0
  window.addEventListener('resize', function () {
    clearTimeout(resizing)
    resizing = setTimeout(function () {
      charts.forEach(function (u) {
        var w = Math.max(280, u.root.parentNode.clientWidth || 480)
        if (Math.abs(w - u.width) > 4) u.setSize({ width: w, height: u.height })
      })
    }, 150)
  })
})()
`
