import { FORMAT_SCRIPT } from './format.js'

/**
 * The dashboard's browser code, as text inlined into the page. It is plain ES2019 written as
 * a string (no build step, no bundler, nothing fetched from a CDN); it reads its settings
 * from the JSON block `#dashboard-config` that `renderDashboard` writes.
 *
 * What it does, in order: loads the current state and history from the REST API, draws one
 * uPlot chart per series group, then follows `/ws/metrics`. Every string from the server goes
 * into the page through `textContent`, never `innerHTML`, so nothing it shows can run. While
 * the tab is hidden it closes the socket and draws nothing; on return it reloads history (to
 * fill the gap) and reconnects. A lost socket reconnects with exponential backoff and jitter.
 * Each chart keeps at most `maxPoints` points (`?points=N` in the address changes it).
 *
 * The token, typed into the page's form or given once as `?token=` in the address, is kept in
 * the tab's sessionStorage and never put in the address: a `?token=` is taken out of it with
 * `history.replaceState` as soon as it is read. It goes along as `Authorization: Bearer` on
 * API calls and as `?token=` on the socket's URL (browsers cannot set headers on a WebSocket;
 * that URL never shows in the address bar). A 401 stops every retry and reload until the user
 * enters a token: retrying a refused token would only reload the whole history to be refused.
 *
 * The status reads `stale: no update for N s` when no interval has arrived for two and a half
 * intervals (at least 5 s) while the socket is open, and `live` again with the next one. The
 * recently resolved alerts are loaded from `/api/alerts/resolved` with the rest of the state.
 *
 * Written without template literals or backslash escapes so it can live inside one as is; how
 * it writes numbers comes from `format.ts`.
 */
export const CLIENT_SCRIPT = `
(function () {
  'use strict'
  var config = JSON.parse(document.getElementById('dashboard-config').textContent)
  var query = new URLSearchParams(location.search)
  var TOKEN_KEY = 'vitest-perf-monitor-token'
  var token = takeToken()
  // ?points=N changes how many points each chart keeps (2..100000).
  var asked = Number(query.get('points'))
  if (Math.floor(asked) === asked && asked >= 2 && asked <= 100000) config.maxPoints = asked
  var COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd']
  var SEVERITY_RANK = { critical: 0, high: 1, medium: 2, low: 3 }
  // The page calls itself stale after two and a half intervals without an update, and never
  // sooner than 5 s: an interval may run late by its probes' time.
  var STALE_AFTER_MS = Math.max(2.5 * config.intervalMs, 5000)
  var state = {
    socket: null,
    paused: false,
    retries: 0,
    retryTimer: null,
    needToken: false,
    status: 'connecting',
    // When the latest metrics_update (or the socket's opening) came, in performance.now() ms.
    lastUpdate: 0,
    updates: 0,
    alerts: new Map(),
    resolved: [],
    charts: [],
  }

  // ----- small helpers ---------------------------------------------------------------------

  function $(id) {
    return document.getElementById(id)
  }

  function el(tag, className, text) {
    var node = document.createElement(tag)
    if (className) node.className = className
    if (text !== undefined && text !== null) node.textContent = String(text)
    return node
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild)
  }

${FORMAT_SCRIPT}
  function clock(iso) {
    var date = new Date(iso)
    return isNaN(date.getTime()) ? '' : date.toLocaleTimeString()
  }

  function url(path) {
    return new URL(path, location.href).toString()
  }

  // ----- the token --------------------------------------------------------------------------

  // A ?token= in the address is read once, kept for this tab and taken out of the address, so
  // it does not stay in the address bar, nor go into a bookmark or a link copied from it.
  function takeToken() {
    var given = query.get('token')
    if (given === null) return storedToken()
    keepToken(given)
    var next = new URL(location.href)
    next.searchParams.delete('token')
    history.replaceState(history.state, '', next.toString())
    return given
  }

  // sessionStorage throws where storage is disabled: the token then lives in memory only.
  function storedToken() {
    try {
      return sessionStorage.getItem(TOKEN_KEY) || ''
    } catch (error) {
      return ''
    }
  }

  function keepToken(value) {
    try {
      if (value) sessionStorage.setItem(TOKEN_KEY, value)
      else sessionStorage.removeItem(TOKEN_KEY)
    } catch (error) {
      // Kept in memory only.
    }
  }

  // After a 401 nothing is retried or reloaded until the user enters a token.
  function refuse() {
    if (state.needToken) return
    state.needToken = true
    clearTimeout(state.retryTimer)
    if (state.socket) {
      state.socket.onclose = null
      state.socket.close(1000, 'token refused')
      state.socket = null
    }
    keepToken('')
    if (token) {
      askForToken('The monitor refused this token: enter the right one.')
      setStatus('offline', 'token refused')
    } else {
      askForToken('This monitor needs its token: enter it here.')
      setStatus('offline', 'token needed')
    }
  }

  function api(path) {
    var headers = token ? { Authorization: 'Bearer ' + token } : {}
    return fetch(url(path), { headers: headers, cache: 'no-store' }).then(function (res) {
      if (res.status === 401) {
        refuse()
        throw new Error('unauthorized')
      }
      if (!res.ok) throw new Error(path + ': HTTP ' + res.status)
      return res.json()
    })
  }

  function setStatus(kind, text) {
    var node = $('status')
    state.status = kind
    node.className = 'status ' + kind
    node.dataset.state = kind
    node.textContent = text
  }

  function askForToken(message) {
    var box = $('token-form')
    box.hidden = false
    $('token-message').textContent = message
  }

  // ----- charts ----------------------------------------------------------------------------

  function guides(bands, lines) {
    return {
      hooks: {
        drawClear: [
          function (u) {
            var ctx = u.ctx
            bands.forEach(function (band) {
              var top = Math.max(u.bbox.top, u.valToPos(band.to, 'y', true))
              var bottom = Math.min(u.bbox.top + u.bbox.height, u.valToPos(band.from, 'y', true))
              if (bottom <= top) return
              ctx.fillStyle = band.color
              ctx.fillRect(u.bbox.left, top, u.bbox.width, bottom - top)
            })
          },
        ],
        draw: [
          function (u) {
            var ctx = u.ctx
            lines.forEach(function (line) {
              var y = u.valToPos(line.value, 'y', true)
              ctx.save()
              ctx.setLineDash([6 * devicePixelRatio, 4 * devicePixelRatio])
              ctx.strokeStyle = line.color
              ctx.lineWidth = 1.5 * devicePixelRatio
              ctx.beginPath()
              ctx.moveTo(u.bbox.left, y)
              ctx.lineTo(u.bbox.left + u.bbox.width, y)
              ctx.stroke()
              ctx.restore()
            })
          },
        ],
      },
    }
  }

  function levelBands(levels) {
    return [
      { from: levels.warning, to: levels.critical, color: 'rgba(249, 168, 37, 0.16)' },
      { from: levels.critical, to: 100, color: 'rgba(198, 40, 40, 0.14)' },
    ]
  }

  // The y axis is as wide as its widest label, so 999.5 MB/s is not cut at the card's edge,
  // and 64 px at least, so the plots of most cards line up. The canvas state is saved and
  // restored because uPlot keeps track of the font it last set on it.
  function axisSize(u, values, axisIndex) {
    var axis = u.axes[axisIndex]
    var widest = 0
    u.ctx.save()
    u.ctx.font = axis.font[0]
    ;(values || []).forEach(function (text) {
      if (text) widest = Math.max(widest, u.ctx.measureText(text).width)
    })
    u.ctx.restore()
    // The font is scaled to the device's pixels: font[1] is its size there, font[2] in CSS.
    var width = widest * axis.font[2] / axis.font[1]
    return Math.max(64, Math.ceil(width + axis.ticks.size + axis.gap + 4))
  }

  function addChart(parent, spec) {
    var card = el('section', 'card chart')
    card.dataset.chart = spec.id
    card.dataset.points = '0'
    var head = el('div', 'card-head')
    head.appendChild(el('h3', '', spec.title))
    var now = el('span', 'now', '–')
    head.appendChild(now)
    card.appendChild(head)
    if (spec.note) card.appendChild(el('p', 'note', spec.note))
    var holder = el('div', 'plot')
    card.appendChild(holder)
    parent.appendChild(card)

    var chart = { spec: spec, card: card, now: now, holder: holder, xs: [], ys: [], plot: null }
    spec.series.forEach(function () {
      chart.ys.push([])
    })
    var lineMax = spec.lines.reduce(function (max, line) {
      return Math.max(max, line.value)
    }, 0)
    var opts = {
      width: Math.max(240, holder.clientWidth || 320),
      height: 170,
      legend: { live: false },
      cursor: { drag: { x: false, y: false } },
      scales: {
        x: { time: true },
        y: {
          range: function (u, min, max) {
            if (spec.unit === '%') return [0, 100]
            var top = Math.max(max || 0, lineMax * 1.15, spec.unit === 'ms' ? 1 : 0)
            return [0, top > 0 ? top : 1]
          },
        },
      },
      series: [{}].concat(
        spec.series.map(function (s, i) {
          return {
            label: s.label,
            stroke: COLORS[i % COLORS.length],
            width: 1.5,
            spanGaps: false,
            value: function (u, v) {
              return fmt(v, spec.unit)
            },
          }
        }),
      ),
      axes: [
        {},
        {
          size: axisSize,
          values: function (u, ticks, axisIndex, space, step) {
            return axisLabels(ticks, step, spec.unit)
          },
        },
      ],
      plugins: [guides(spec.bands, spec.lines)],
    }
    chart.plot = new uPlot(opts, [[]].concat(chart.ys), holder)
    state.charts.push(chart)
    return chart
  }

  function pushPoint(chart, x, values) {
    var last = chart.xs[chart.xs.length - 1]
    if (last !== undefined && x <= last) return
    chart.xs.push(x)
    values.forEach(function (v, i) {
      chart.ys[i].push(typeof v === 'number' && isFinite(v) ? v : null)
    })
    var extra = chart.xs.length - config.maxPoints
    if (extra > 0) {
      chart.xs.splice(0, extra)
      chart.ys.forEach(function (ys) {
        ys.splice(0, extra)
      })
    }
  }

  function draw(chart) {
    chart.card.dataset.points = String(chart.xs.length)
    var latest = chart.spec.series
      .map(function (s, i) {
        var ys = chart.ys[i]
        return (chart.spec.series.length > 1 ? s.label + ' ' : '') + fmt(ys[ys.length - 1], chart.spec.unit)
      })
      .join(' · ')
    chart.now.textContent = latest
    chart.plot.setData([chart.xs].concat(chart.ys))
  }

  function buildCharts() {
    var host = $('host-charts')
    var levels = config.levels
    var resources = [['cpu', 'CPU'], ['memory', 'Memory'], ['disk', 'Disk']]
    resources.forEach(function (resource) {
      var metric = resource[0]
      addChart(host, {
        id: 'host/' + metric, title: resource[1], unit: '%',
        series: [{ label: metric, component: 'host', metric: metric }],
        bands: levelBands(levels[metric]), lines: [],
        note: 'warning ' + levels[metric].warning + '%, critical ' + levels[metric].critical + '%',
      })
    })
    addChart(host, {
      id: 'host/network', title: 'Network', unit: 'B/s',
      series: [
        { label: 'rx', component: 'host', metric: 'network_rx' },
        { label: 'tx', component: 'host', metric: 'network_tx' },
      ],
      bands: [], lines: [],
    })

    var endpoints = $('endpoint-charts')
    if (config.endpoints.length === 0) endpoints.appendChild(el('p', 'empty', 'No endpoint is probed.'))
    config.endpoints.forEach(function (endpoint) {
      var objectives = endpoint.objectives || {}
      var budgets = ['p50', 'p95', 'p99'].filter(function (p) {
        return typeof objectives[p] === 'number'
      })
      addChart(endpoints, {
        id: endpoint.name + '/latency', title: endpoint.name + ' latency', unit: 'ms',
        series: ['p50', 'p95', 'p99'].map(function (p) {
          return { label: p, component: endpoint.name, metric: p }
        }),
        bands: [],
        lines: budgets.map(function (p) {
          return { value: objectives[p], color: '#c62828' }
        }),
        note: budgets.length
          ? 'objective ' + budgets.map(function (p) { return p + ' ≤ ' + objectives[p] + ' ms' }).join(', ')
          : 'no latency objective',
      })
      var floor = objectives.availability
      addChart(endpoints, {
        id: endpoint.name + '/availability', title: endpoint.name + ' availability', unit: '%',
        series: [{ label: 'availability', component: endpoint.name, metric: 'availability' }],
        bands: typeof floor === 'number' ? [{ from: 0, to: floor, color: 'rgba(198, 40, 40, 0.10)' }] : [],
        lines: typeof floor === 'number' ? [{ value: floor, color: '#c62828' }] : [],
        note: typeof floor === 'number' ? 'objective ≥ ' + floor + '%' : 'no availability objective',
      })
    })
  }

  function valueOf(snapshot, component, metric) {
    if (component === 'host') return snapshot.host ? snapshot.host[metric] : null
    if (component === 'custom') return snapshot.custom ? snapshot.custom[metric] : null
    var endpoint = (snapshot.endpoints || []).filter(function (e) {
      return e.name === component
    })[0]
    return endpoint ? endpoint[metric] : null
  }

  function applySnapshot(snapshot) {
    var x = Date.parse(snapshot.time) / 1000
    if (!isFinite(x)) return
    state.charts.forEach(function (chart) {
      pushPoint(chart, x, chart.spec.series.map(function (s) {
        return valueOf(snapshot, s.component, s.metric)
      }))
      if (!state.paused) draw(chart)
    })
    $('updated').textContent = 'last interval ' + clock(snapshot.time) + ' (#' + snapshot.sequence + ')'
    document.body.dataset.updates = String(++state.updates)
  }

  function loadHistory() {
    var hours = Math.max(0.001, (config.maxPoints * config.intervalMs) / 3600000)
    var wanted = []
    state.charts.forEach(function (chart) {
      chart.spec.series.forEach(function (s) {
        wanted.push(s)
      })
    })
    return Promise.all(
      wanted.map(function (s) {
        var path = 'api/metrics/historical/' + encodeURIComponent(s.component) + '/' +
          encodeURIComponent(s.metric) + '?hours=' + hours.toFixed(3)
        return api(path).then(
          function (body) {
            return body.points || []
          },
          function () {
            return []
          },
        )
      }),
    ).then(function (results) {
      var index = 0
      state.charts.forEach(function (chart) {
        var bySeries = chart.spec.series.map(function () {
          return results[index++]
        })
        var times = {}
        bySeries.forEach(function (points) {
          points.forEach(function (p) {
            times[Math.round(p.t / 1000)] = true
          })
        })
        var xs = Object.keys(times).map(Number).sort(function (a, b) {
          return a - b
        })
        chart.xs = []
        chart.ys = chart.spec.series.map(function () {
          return []
        })
        var lookup = bySeries.map(function (points) {
          var map = {}
          points.forEach(function (p) {
            map[Math.round(p.t / 1000)] = p.v
          })
          return map
        })
        xs.forEach(function (x) {
          pushPoint(chart, x, lookup.map(function (map) {
            return map[x]
          }))
        })
        draw(chart)
      })
    })
  }

  // ----- alerts, insights, predictions -----------------------------------------------------

  function renderAlerts() {
    var body = $('alerts-body')
    clear(body)
    var alerts = Array.from(state.alerts.values()).sort(function (a, b) {
      return (SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity]) ||
        String(a.activeAt).localeCompare(String(b.activeAt))
    })
    $('alerts-count').textContent = String(alerts.length)
    $('alerts-empty').hidden = alerts.length > 0
    alerts.forEach(function (alert) {
      var row = el('tr', 'alert ' + alert.severity + ' ' + alert.state)
      row.dataset.fingerprint = alert.fingerprint
      row.dataset.rule = alert.rule
      row.dataset.component = (alert.labels && alert.labels.component) || ''
      var badge = el('td')
      badge.appendChild(el('span', 'badge ' + alert.severity,
        (alert.priority ? alert.priority + ' ' : '') + alert.severity))
      row.appendChild(badge)
      row.appendChild(el('td', 'state', alert.state))
      row.appendChild(el('td', 'rule', alert.rule))
      var labels = alert.labels || {}
      row.appendChild(el('td', '', [labels.component, labels.metric].filter(Boolean).join('/')))
      row.appendChild(el('td', 'summary', alert.summary))
      row.appendChild(el('td', 'num', fmt(alert.value, alert.unit || '') +
        (alert.threshold === null || alert.threshold === undefined ? '' : ' / ' + fmt(alert.threshold, alert.unit || ''))))
      row.appendChild(el('td', '', clock(alert.firedAt || alert.activeAt)))
      body.appendChild(row)
    })

    var recent = $('resolved-list')
    clear(recent)
    state.resolved.forEach(function (alert) {
      recent.appendChild(el('li', '', clock(alert.resolvedAt) + ' resolved: ' + alert.rule + ' · ' + alert.summary))
    })
  }

  // A process stopped (kill -STOP, a frozen VM) keeps its socket open and sends nothing, and
  // the WebSocket heartbeat can take minutes to notice: the page watches the updates instead.
  function checkStale() {
    if (state.paused || !state.socket || state.socket.readyState !== WebSocket.OPEN) return
    var age = performance.now() - state.lastUpdate
    if (age > STALE_AFTER_MS) {
      setStatus('stale', 'stale: no update for ' + Math.round(age / 1000) + ' s')
    } else if (state.status === 'stale') {
      setStatus('live', 'live')
    }
  }

  // Resolved alerts come from the monitor, so the list survives a reload and a reconnect; the
  // socket's alert_resolved messages add to it meanwhile.
  function loadResolved() {
    return api('api/alerts/resolved').then(function (body) {
      state.resolved = (body.alerts || []).slice(0, 20)
      renderAlerts()
    })
  }

  function loadAlerts() {
    return api('api/alerts/active').then(function (body) {
      state.alerts = new Map()
      ;(body.alerts || []).forEach(function (alert) {
        state.alerts.set(alert.fingerprint, alert)
      })
      renderAlerts()
    })
  }

  function renderInsights(insights) {
    var list = $('insights-list')
    clear(list)
    var lines = (insights && insights.summary) || []
    if (lines.length === 0) list.appendChild(el('li', 'empty', 'Nothing unusual.'))
    lines.slice(0, 50).forEach(function (line) {
      list.appendChild(el('li', '', line))
    })
    $('insights-time').textContent = insights && insights.generatedAt ? 'as of ' + clock(insights.generatedAt) : ''
  }

  function renderPredictions(body) {
    var rows = $('predictions-body')
    clear(rows)
    var predictions = (body && body.predictions) || []
    $('predictions-horizon').textContent = body ? 'next ' + body.horizonMinutes + ' min' : ''
    predictions.slice(0, 100).forEach(function (p) {
      var row = el('tr', p.breachExpected ? 'breach' : '')
      row.dataset.series = p.component + '/' + p.metric
      // The method says how the forecast was made, or why there is none yet.
      row.title = p.method || ''
      row.appendChild(el('td', 'series', p.component + '/' + p.metric))
      row.appendChild(el('td', 'num', fmt(p.current, p.unit)))
      row.appendChild(el('td', 'num', fmt(p.predicted, p.unit)))
      row.appendChild(el('td', 'num', p.threshold === null ? '–' : fmt(p.threshold, p.unit)))
      row.appendChild(el('td', 'num', p.minutesToThreshold === null ? '–' : Math.round(p.minutesToThreshold) + ' min'))
      row.appendChild(el('td', 'verdict', p.breachExpected ? 'expected' : 'no'))
      rows.appendChild(row)
    })
    $('predictions-empty').hidden = predictions.length > 0
  }

  function loadAnalysis() {
    return Promise.all([
      api('api/analysis/ai-insights').then(renderInsights, function () {}),
      api('api/analysis/predictions?horizon_minutes=60').then(renderPredictions, function () {}),
    ])
  }

  // ----- live updates ----------------------------------------------------------------------

  function onMessage(event) {
    var message
    try {
      message = JSON.parse(event.data)
    } catch (error) {
      return
    }
    if (message.type === 'metrics_update') {
      state.lastUpdate = performance.now()
      applySnapshot(message.metrics)
      checkStale()
      // Pending alerts and predictions do not come over the socket: refresh them now and then.
      if (state.updates % 5 === 0) loadAlerts().catch(function () {})
      if (state.updates % 10 === 0) loadAnalysis()
    } else if (message.type === 'ai_insights') {
      renderInsights(message.insights)
    } else if (message.type === 'alert_fired') {
      state.alerts.set(message.alert.fingerprint, message.alert)
      renderAlerts()
    } else if (message.type === 'alert_resolved') {
      state.alerts.delete(message.alert.fingerprint)
      state.resolved.unshift(message.alert)
      state.resolved.length = Math.min(state.resolved.length, 20)
      renderAlerts()
    }
  }

  function connect() {
    if (state.paused || state.socket || state.needToken) return
    var target = new URL('ws/metrics', location.href)
    target.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:'
    if (token) target.searchParams.set('token', token)
    var socket = new WebSocket(target.toString())
    state.socket = socket
    setStatus('connecting', 'connecting…')
    socket.onopen = function () {
      state.retries = 0
      state.lastUpdate = performance.now()
      setStatus('live', 'live')
    }
    socket.onmessage = onMessage
    socket.onclose = function () {
      state.socket = null
      if (!state.paused) retry()
    }
  }

  function retry() {
    clearTimeout(state.retryTimer)
    // A socket refused for its token closes like a lost one; the reload before the next
    // attempt meets the 401 and stops there.
    if (state.needToken) return
    var base = Math.min(30000, 1000 * Math.pow(2, state.retries))
    var delay = base / 2 + Math.random() * (base / 2)
    state.retries++
    setStatus('offline', 'disconnected; retrying in ' + Math.ceil(delay / 1000) + ' s')
    // Reload history too: the charts fill the gap the lost connection left.
    state.retryTimer = setTimeout(function () {
      loadAll().then(connect, connect)
    }, delay)
  }

  function pause() {
    state.paused = true
    clearTimeout(state.retryTimer)
    if (state.needToken) return
    if (state.socket) {
      state.socket.onclose = null
      state.socket.close(1000, 'tab hidden')
      state.socket = null
    }
    setStatus('paused', 'paused while the tab is hidden')
  }

  function resume() {
    state.paused = false
    if (state.needToken) return
    loadAll().then(connect, connect)
  }

  // The current interval is asked for first, alone: with a refused token it is the one
  // request sent, not one per chart series.
  function loadAll() {
    return api('api/metrics/current')
      .catch(function () {
        return null
      })
      .then(function (current) {
        if (state.needToken) return
        var rest = [
          loadHistory(),
          loadAlerts().catch(function () {}),
          loadResolved().catch(function () {}),
          loadAnalysis(),
        ]
        return Promise.all(rest).then(function () {
          if (current && current.time) applySnapshot(current)
        })
      })
  }

  // ----- start -----------------------------------------------------------------------------

  // The form is never submitted: the token stays out of the address, in memory and this
  // tab's sessionStorage.
  $('token-form').addEventListener('submit', function (event) {
    event.preventDefault()
    var value = $('token-input').value
    if (!value) return
    token = value
    keepToken(value)
    $('token-input').value = ''
    $('token-form').hidden = true
    state.needToken = false
    state.retries = 0
    setStatus('connecting', 'connecting…')
    if (document.hidden) pause()
    else loadAll().then(connect, connect)
  })

  window.addEventListener('resize', function () {
    state.charts.forEach(function (chart) {
      chart.plot.setSize({ width: Math.max(240, chart.holder.clientWidth), height: 170 })
    })
  })

  document.addEventListener('visibilitychange', function () {
    if (document.hidden) pause()
    else resume()
  })

  setInterval(checkStale, 1000)
  buildCharts()
  if (config.tokenRequired && !token) {
    state.needToken = true
    askForToken('This monitor needs its token: enter it here.')
    setStatus('offline', 'token needed')
    return
  }
  if (document.hidden) {
    pause()
    return
  }
  loadAll().then(connect, connect)
})()
`
