/**
 * How the dashboard writes numbers, as browser code inlined into `CLIENT_SCRIPT` (plain
 * ES2019 in a string, like the rest of the page's code). It lives apart so a test can run
 * the very text the page runs: `fmt(value, unit)` writes one reading (the latest value, an
 * alert's value, a prediction) and `axisLabels(ticks, step, unit)` writes the labels of a
 * chart's y axis. Units are `B/s`, `ms`, `%` or none.
 *
 * Written without template literals or backslash escapes so it can live inside one as is.
 */
export const FORMAT_SCRIPT = `
  function fmt(value, unit) {
    if (value === null || value === undefined || !isFinite(value)) return '–'
    if (unit === 'B/s') return bytes(value) + '/s'
    var abs = Math.abs(value)
    if (unit === '%') return (abs >= 100 ? String(Math.round(value)) : percent(value)) + '%'
    var text = abs >= 100 ? String(Math.round(value)) : abs >= 10 ? value.toFixed(1) : value.toFixed(2)
    return unit ? text + ' ' + unit : text
  }

  // One decimal, or more (up to 3) when one would round a value under 100 up to 100: an
  // availability objective of 99.95 reads 99.95%, not 100.0%.
  function percent(value) {
    for (var digits = 1; digits <= 3; digits++) {
      var text = value.toFixed(digits)
      if (Math.abs(Number(text)) < 100) return text
    }
    return String(value)
  }

  function bytes(value) {
    var units = ['B', 'kB', 'MB', 'GB']
    var i = 0
    while (Math.abs(value) >= 1000 && i < units.length - 1) {
      value /= 1000
      i++
    }
    return (i === 0 ? Math.round(value) : value.toFixed(1)) + ' ' + units[i]
  }

  // The labels of one axis share a unit, chosen from the largest tick (ticks up to 3000 B/s
  // read in kB/s), and are written with as many decimals as the step between ticks needs.
  // Rounding every tick to a fixed precision instead gives a small scale the same label
  // twice: ticks 0.5 B/s apart all read 0 B/s or 1 B/s. A tick uPlot leaves out (null)
  // stays out.
  function axisLabels(ticks, step, unit) {
    var largest = 0
    ticks.forEach(function (tick) {
      if (tick !== null && isFinite(tick)) largest = Math.max(largest, Math.abs(tick))
    })
    var scale = axisScale(largest, unit)
    var scaled = ticks.map(function (tick) {
      return tick === null || !isFinite(tick) ? null : tick / scale.divisor
    })
    var digits = axisDecimals(scaled, stepOf(scaled, step / scale.divisor))
    return scaled.map(function (value) {
      if (value === null) return null
      // Number() drops trailing zeros (1.50 reads 1.5) and turns -0 into 0.
      return String(Number(value.toFixed(digits))) + scale.suffix
    })
  }

  function axisScale(largest, unit) {
    if (unit === 'B/s') {
      var units = ['B/s', 'kB/s', 'MB/s', 'GB/s', 'TB/s']
      var i = 0
      while (largest >= Math.pow(1000, i + 1) && i < units.length - 1) i++
      return { divisor: Math.pow(1000, i), suffix: ' ' + units[i] }
    }
    if (unit === 'ms' && largest >= 1000) return { divisor: 1000, suffix: ' s' }
    if (unit === '%') return { divisor: 1, suffix: '%' }
    return { divisor: 1, suffix: unit ? ' ' + unit : '' }
  }

  // The step uPlot chose, or the smallest gap between ticks when it gave none.
  function stepOf(values, step) {
    if (step > 0 && isFinite(step)) return step
    var smallest = Infinity
    for (var i = 1; i < values.length; i++) {
      if (values[i] === null || values[i - 1] === null) continue
      var gap = Math.abs(values[i] - values[i - 1])
      if (gap > 0) smallest = Math.min(smallest, gap)
    }
    return smallest
  }

  // The fewest decimals (at most 6) that write every tick exactly. The tolerance, a
  // millionth of the step, absorbs floating-point noise such as 0.30000000000000004.
  function axisDecimals(values, step) {
    var tolerance = isFinite(step) ? step * 1e-6 : 0
    for (var digits = 0; digits < 6; digits++) {
      var exact = values.every(function (value) {
        return value === null || Math.abs(Number(value.toFixed(digits)) - value) <= tolerance
      })
      if (exact) return digits
    }
    return 6
  }
`
