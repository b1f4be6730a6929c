//! The capture check of the listen benchmark: every request oha saw answered 2xx must be a line
//! in the capture file, and no line may be left over.

/// What the check counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaptureCount {
    /// Requests oha saw answered with a 2xx status.
    pub acknowledged: u64,
    /// Lines in the capture file that are capture records answered 2xx.
    pub captured_2xx: u64,
    /// Lines in the capture file in all.
    pub lines: u64,
}

impl CaptureCount {
    /// Every acknowledged request is captured, and nothing else is.
    pub fn ok(&self) -> bool {
        self.acknowledged == self.captured_2xx && self.lines == self.captured_2xx
    }
}

/// The 2xx answers in an oha JSON report (`statusCodeDistribution`).
pub fn oha_2xx(report: &str) -> Result<u64, String> {
    let v: serde_json::Value = serde_json::from_str(report).map_err(|e| format!("oha report: {e}"))?;
    let codes = v
        .get("statusCodeDistribution")
        .and_then(|c| c.as_object())
        .ok_or("oha report: no statusCodeDistribution")?;
    let mut n = 0;
    for (code, count) in codes {
        let count = count.as_u64().ok_or_else(|| format!("oha report: count of {code} is not a number"))?;
        if code.starts_with('2') {
            n += count;
        }
    }
    Ok(n)
}

/// Count a capture file's lines and those that record a 2xx answer (`answer.status`).
pub fn count(capture: &str, oha_report: &str) -> Result<CaptureCount, String> {
    let acknowledged = oha_2xx(oha_report)?;
    let (mut lines, mut captured_2xx) = (0, 0);
    for (n, line) in capture.lines().enumerate() {
        lines += 1;
        let v: serde_json::Value =
            serde_json::from_str(line).map_err(|e| format!("capture line {}: {e}", n + 1))?;
        let status = v.pointer("/answer/status").and_then(|s| s.as_u64());
        if status.is_some_and(|s| (200..300).contains(&s)) {
            captured_2xx += 1;
        }
    }
    Ok(CaptureCount { acknowledged, captured_2xx, lines })
}
