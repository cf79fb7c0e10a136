import { describe, expect, it } from 'vitest'
import { advise, explainResult, findLatencyKnee } from '../../src/insights/index.js'
import type { HostSample, HostSummary, ResourceJudgement } from '../../src/types.js'
import { entry, gaussian, resultFrom } from './helpers.js'

function judgement(value: number, level: ResourceJudgement['level']): ResourceJudgement {
  return {
    value,
    basis: 'p95',
    peak: value + 2,
    mean: value - 3,
    level,
    thresholds: { normal: 40, warning: 70, critical: 85 },
  }
}

function host(samples: HostSample[], extra: Partial<HostSummary> = {}): HostSummary {
  return {
    intervalMs: 1000,
    sampleCount: samples.length,
    cpu: judgement(30, 'normal'),
    memory: { ...judgement(50, 'normal'), thresholds: { normal: 60, warning: 75, critical: 90 } },
    disk: null,
    eventLoop: { delayMs: { p50: 1, p99: 3, max: 5 }, utilization: 0.3 },
    saturated: false,
    saturationReason: null,
    unavailable: [],
    samples,
    ...extra,
  }
}

function sample(t: number, fields: Partial<HostSample>): HostSample {
  return {
    t,
    cpu: 30,
    memory: 50,
    disk: null,
    rxBps: null,
    txBps: null,
    loopDelayP99Ms: 2,
    loopUtilization: 0.3,
    ...fields,
  }
}

const steady = (seconds: number) => Array.from({ length: seconds }, (_, t) => entry(t, {}))

describe('advise', () => {
  it('gives no advice on a healthy run', () => {
    const samples = Array.from({ length: 60 }, (_, t) => sample(t, {}))
    expect(advise(resultFrom(steady(60), { host: host(samples) }))).toEqual([])
  })

  it('says the generator was saturated, with its event-loop figures', () => {
    const result = resultFrom(steady(10), {
      host: host([], {
        saturated: true,
        saturationReason:
          'The load generator was saturated: event-loop delay p99 48 ms over 20 ms.',
        eventLoop: { delayMs: { p50: 12, p99: 48, max: 90 }, utilization: 0.97 },
      }),
    })
    const [advice] = advise(result)
    expect(advice).toMatchObject({
      rule: 'generator-saturated',
      severity: 'warning',
      evidence: {
        reason: 'The load generator was saturated: event-loop delay p99 48 ms over 20 ms.',
        loopDelayP99Ms: 48,
        meanLoopUtilization: 0.97,
      },
    })
    // The recorder's sentence as it is, not wrapped in a second one saying the same.
    expect(advice!.message).toBe(
      'The load generator was saturated: event-loop delay p99 48 ms over 20 ms.',
    )
  })

  it('finds timeouts dominating the errors as the rate rose, with the rate at the onset', () => {
    // The offered rate ramps 50 → 590 req/s; from t = 20 s (450 req/s) a tenth times out.
    const timeline = Array.from({ length: 28 }, (_, t) =>
      entry(t, { rps: 50 + 20 * t, errors: t >= 20 ? 5 + 2 * (t - 20) : 0 }),
    )
    const failed = timeline.reduce((sum, e) => sum + e.errors, 0)
    const result = resultFrom(timeline, { errors: { timeout: failed - 4, ECONNRESET: 4 } })
    const advice = advise(result).find(a => a.rule === 'timeouts-at-capacity')!
    expect(advice.evidence.onsetSeconds).toBe(20)
    expect(advice.evidence.rpsAtOnset).toBe(430) // the mean of t = 18, 19, 20
    expect(advice.evidence.timeoutSharePct).toBeGreaterThan(90)
    expect(advice.message).toMatch(/began at t=20 s as the rate rose to about 430 req\/s/)
  })

  it('does not blame timeouts when they are a minority of the failures', () => {
    const timeline = Array.from({ length: 20 }, (_, t) => entry(t, { errors: 5 }))
    const result = resultFrom(timeline, { errors: { status_5xx: 90, timeout: 10 } })
    expect(advise(result).map(a => a.rule)).not.toContain('timeouts-at-capacity')
  })

  it('finds the latency knee of a stress ramp near the true bend', () => {
    const noise = gaussian(12)
    // p95 is flat near 12 ms up to 600 req/s, then climbs 30 ms per 100 req/s.
    const timeline = Array.from({ length: 40 }, (_, t) => {
      const rps = 100 + 25 * t
      const p95 = 12 + 0.5 * noise() + (rps > 600 ? 0.3 * (rps - 600) : 0)
      return entry(t, { rps, p95 })
    })
    const advice = advise(resultFrom(timeline)).find(a => a.rule === 'latency-knee')!
    expect(Math.abs((advice.evidence.kneeRps as number) - 600)).toBeLessThanOrEqual(50)
    expect(advice.evidence.slopeAboveMsPer100Rps).toBeGreaterThan(25)
    expect(advice.evidence.p95AtMaxMs).toBeGreaterThan(100)
  })

  it('finds no knee in a ramp whose latency grows along one line, or at a constant rate', () => {
    const line = Array.from({ length: 40 }, (_, t) => 100 + 25 * t)
    expect(
      findLatencyKnee(
        line,
        line.map(r => 5 + r / 100),
      ),
    ).toBeNull()
    const flatRate = Array.from({ length: 40 }, () => 500)
    expect(
      findLatencyKnee(
        flatRate,
        flatRate.map((_, i) => 10 + i),
      ),
    ).toBeNull()
  })

  it('reports critical CPU with the judged value and the threshold', () => {
    const result = resultFrom(steady(10), { host: host([], { cpu: judgement(93, 'critical') }) })
    const advice = advise(result).find(a => a.rule === 'service-cpu-critical')!
    expect(advice.severity).toBe('critical')
    expect(advice.evidence).toMatchObject({ cpuP95Pct: 93, peakPct: 95, criticalPct: 85 })
    expect(
      advise(resultFrom(steady(10), { host: host([], { cpu: judgement(75, 'warning') }) })),
    ).toEqual([])
    // Two samples (a run of a second or so) are too few to call the service CPU-bound.
    const brief = (samples: number) =>
      advise(
        resultFrom(steady(10), {
          host: host([], { cpu: { ...judgement(93, 'critical'), samples } }),
        }),
      ).map(a => a.rule)
    expect(brief(2)).toEqual([])
    expect(brief(3)).toEqual(['service-cpu-critical'])
  })

  it('flags memory rising steadily through a soak, with slope, R² and time to critical', () => {
    const noise = gaussian(13)
    // 10 minutes, host memory 50% rising 0.5 points per minute; a process's RSS 200 MB
    // rising 4 MB per minute; another process flat.
    const samples = Array.from({ length: 120 }, (_, i) =>
      sample(i * 5, {
        memory: 50 + (0.5 * i * 5) / 60 + 0.05 * noise(),
        processes: {
          '4242': { cpu: 20, rssBytes: (200 + (4 * i * 5) / 60 + 0.2 * noise()) * 1048576 },
          '77': { cpu: 1, rssBytes: 50 * 1048576 },
        },
      }),
    )
    const advice = advise(resultFrom(steady(600), { host: host(samples) }), { soak: true })
    const memory = advice.find(a => a.evidence.metric === 'host memory')!
    expect(memory.rule).toBe('memory-leak')
    expect(memory.evidence.slopePerMinute).toBeCloseTo(0.5, 1)
    expect(memory.evidence.r2).toBeGreaterThan(0.9)
    // From about 55% at the end to 90% at 0.5 per minute: about 70 minutes.
    expect(Math.abs((memory.evidence.minutesToCriticalLevel as number) - 70)).toBeLessThan(3)
    expect(memory.message).toMatch(/This was a soak/)
    const rss = advice.find(a => a.evidence.metric === 'process 4242 RSS')!
    expect(rss.evidence.slopePerMinute).toBeCloseTo(4, 0)
    expect(advice.some(a => a.evidence.metric === 'process 77 RSS')).toBe(false)
  })

  it('does not call a short or noisy memory series a leak', () => {
    const noise = gaussian(14)
    const noisy = Array.from({ length: 120 }, (_, i) => sample(i * 5, { memory: 50 + noise() }))
    expect(advise(resultFrom(steady(600), { host: host(noisy) }))).toEqual([])
    const short = Array.from({ length: 30 }, (_, i) => sample(i, { memory: 50 + i }))
    expect(advise(resultFrom(steady(30), { host: host(short) }))).toEqual([])
  })
})

describe('explainResult', () => {
  it('marks a p95 spike, a p95 step and a memory trend, and carries the advice', () => {
    const noise = gaussian(15)
    const timeline = Array.from({ length: 240 }, (_, t) =>
      entry(t, {
        rps: 200 + 5 * noise(),
        p95: t === 60 ? 400 : (t >= 150 ? 60 : 30) + 2 * noise(),
      }),
    )
    const samples = Array.from({ length: 240 }, (_, t) =>
      sample(t, { memory: 40 + t / 30 + 0.05 * noise() }),
    )
    const insights = explainResult(resultFrom(timeline, { host: host(samples) }))

    const spike = insights.anomalies.find(a => a.metric === 'p95' && a.t === 60)
    expect(spike?.value).toBe(400)
    const shift = insights.levelShifts.find(s => s.metric === 'p95')!
    expect(Math.abs(shift.t - 150)).toBeLessThanOrEqual(3)
    expect(shift.after - shift.before).toBeGreaterThan(25)
    const memory = insights.trends.find(t => t.metric === 'memory')!
    expect(memory.slopePerMinute).toBeCloseTo(2, 1)
    expect(insights.advice.map(a => a.rule)).toContain('memory-leak')
    // Anomalies come sorted in time, and at most 10 per series.
    const times = insights.anomalies.map(a => a.t)
    expect(times).toEqual([...times].sort((a, b) => a - b))
    expect(insights.anomalies.filter(a => a.metric === 'p95').length).toBeLessThanOrEqual(10)
  })

  it('does not read a partly measured last second as a throughput drop', () => {
    const noise = gaussian(16)
    const timeline = Array.from({ length: 60 }, (_, t) => entry(t, { rps: 500 + 5 * noise() }))
    // The measured phase ended 0.2 s into second 59: that second holds a fifth of its responses.
    timeline[59]!.rps = 100
    const result = resultFrom(timeline, { durationMs: 59_200 })
    expect(explainResult(result).anomalies.filter(a => a.metric === 'rps')).toEqual([])
    // The same drop inside the run is an anomaly.
    timeline[40]!.rps = 100
    const inside = explainResult(resultFrom(timeline, { durationMs: 59_200 })).anomalies
    expect(inside.filter(a => a.metric === 'rps').map(a => a.t)).toEqual([40])
  })

  it('reports no trend over less than 30 s', () => {
    const timeline = Array.from({ length: 20 }, (_, t) => entry(t, { p95: 40 - t }))
    expect(explainResult(resultFrom(timeline)).trends).toEqual([])
    const longer = Array.from({ length: 40 }, (_, t) => entry(t, { p95: 60 - t }))
    expect(explainResult(resultFrom(longer)).trends[0]?.slopePerMinute).toBeCloseTo(-60, 6)
  })

  it('returns empty insights for an empty timeline and never throws on odd input', () => {
    expect(explainResult(resultFrom([]))).toEqual({
      anomalies: [],
      trends: [],
      levelShifts: [],
      advice: [],
    })
    const odd = resultFrom([entry(0, { p95: Number.NaN })], {
      host: { samples: 'no' } as unknown as HostSummary,
    })
    expect(() => explainResult(odd)).not.toThrow()
  })
})
