//! `os.date` / `os.time` support on top of the C library, as LuaJIT 2.1
//! does it: the whole format (after an optional `!`) goes to `strftime`
//! (so glibc's flags, widths and `%E`/`%O` modifiers work, and unknown
//! conversions come out literally — there is no "invalid conversion"
//! error), `*t` returns the broken-down fields, and `os.time` uses
//! `mktime` with its normalisation.

use core::ffi::c_char;

/// glibc's `struct tm` (same layout on x86-64 and AArch64 Linux).
#[repr(C)]
#[derive(Clone, Copy)]
struct Tm {
    tm_sec: i32,
    tm_min: i32,
    tm_hour: i32,
    tm_mday: i32,
    tm_mon: i32,
    tm_year: i32,
    tm_wday: i32,
    tm_yday: i32,
    tm_isdst: i32,
    tm_gmtoff: i64,
    tm_zone: *const c_char,
}

impl Tm {
    fn zeroed() -> Tm {
        Tm {
            tm_sec: 0,
            tm_min: 0,
            tm_hour: 0,
            tm_mday: 0,
            tm_mon: 0,
            tm_year: 0,
            tm_wday: 0,
            tm_yday: 0,
            tm_isdst: 0,
            tm_gmtoff: 0,
            tm_zone: core::ptr::null(),
        }
    }
}

extern "C" {
    fn localtime_r(t: *const i64, out: *mut Tm) -> *mut Tm;
    fn gmtime_r(t: *const i64, out: *mut Tm) -> *mut Tm;
    fn mktime(tm: *mut Tm) -> i64;
    fn strftime(s: *mut u8, max: usize, fmt: *const c_char, tm: *const Tm) -> usize;
}

/// The fields of `os.date("*t")`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DateFields {
    pub sec: i32,
    pub min: i32,
    pub hour: i32,
    pub day: i32,
    /// 1–12.
    pub month: i32,
    /// Full year (tm_year + 1900).
    pub year: i64,
    /// 1 = Sunday.
    pub wday: i32,
    /// 1 = January 1st.
    pub yday: i32,
    pub isdst: bool,
}

/// The table fields `os.time` reads (the library applies the defaults:
/// sec 0, min 0, hour 12; day, month and year are required, and reports
/// "field 'day' missing in date table" and so on).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimeFields {
    pub sec: i32,
    pub min: i32,
    pub hour: i32,
    pub day: i32,
    /// 1–12 (out-of-range values are normalised).
    pub month: i32,
    /// Full year.
    pub year: i32,
    /// `isdst` field: None when nil (let mktime decide).
    pub isdst: Option<bool>,
}

/// What `os.date` returns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DateOutput {
    Text(Vec<u8>),
    Fields(DateFields),
    /// The time cannot be broken down (year out of range): `nil`.
    InvalidTime,
    /// `strftime` produced nothing within the reference's buffer budget
    /// (e.g. `%1000Y`, or an empty expansion of a non-empty format): the
    /// reference then returns its last argument unchanged.
    NoResult,
}

/// Lua number to `time_t` the way the reference casts it (truncation;
/// NaN and out-of-range values become i64::MIN, which no date has).
pub fn time_from_number(n: f64) -> i64 {
    if (-9223372036854775808.0..9223372036854775808.0).contains(&n) {
        n as i64
    } else {
        i64::MIN
    }
}

/// A date-table number to `int` as the reference does it (truncate to 64
/// bits, then keep the low 32).
pub fn field_from_number(n: f64) -> i32 {
    time_from_number(n) as i32
}

fn broken_down(t: i64, utc: bool) -> Option<Tm> {
    let mut tm = Tm::zeroed();
    // SAFETY: both pointers refer to live, properly aligned locals; the
    // reentrant functions write only into `tm`.
    let r = unsafe {
        if utc {
            gmtime_r(&t, &mut tm)
        } else {
            localtime_r(&t, &mut tm)
        }
    };
    if r.is_null() {
        None
    } else {
        Some(tm)
    }
}

/// The broken-down time of `t` (UTC or local), or None if out of range.
pub fn date_fields(t: i64, utc: bool) -> Option<DateFields> {
    let tm = broken_down(t, utc)?;
    Some(DateFields {
        sec: tm.tm_sec,
        min: tm.tm_min,
        hour: tm.tm_hour,
        day: tm.tm_mday,
        month: tm.tm_mon + 1,
        year: tm.tm_year as i64 + 1900,
        wday: tm.tm_wday + 1,
        yday: tm.tm_yday + 1,
        isdst: tm.tm_isdst != 0,
    })
}

/// `os.date(fmt, t)`: a leading `!` selects UTC, `*t` (exactly) selects
/// the field table, anything else is a strftime format.
pub fn os_date(fmt: &[u8], t: i64) -> DateOutput {
    let (utc, fmt) = match fmt.first() {
        Some(b'!') => (true, &fmt[1..]),
        _ => (false, fmt),
    };
    // The reference compares C strings, so "*t\0junk" also means *t.
    let cfmt = match fmt.iter().position(|&c| c == 0) {
        Some(z) => &fmt[..z],
        None => fmt,
    };
    if cfmt == b"*t" {
        return match date_fields(t, utc) {
            Some(f) => DateOutput::Fields(f),
            None => DateOutput::InvalidTime,
        };
    }
    match format_date(fmt, t, utc) {
        Ok(v) => DateOutput::Text(v),
        Err(e) => e,
    }
}

/// Formats `t` with a strftime format (without the `!`), stopping at a
/// NUL byte like the C string the reference passes.  Errors are
/// [`DateOutput::InvalidTime`] or [`DateOutput::NoResult`].
pub fn format_date(fmt: &[u8], t: i64, utc: bool) -> Result<Vec<u8>, DateOutput> {
    let tm = broken_down(t, utc).ok_or(DateOutput::InvalidTime)?;
    let end = fmt.iter().position(|&c| c == 0).unwrap_or(fmt.len());
    if end == 0 {
        return Ok(Vec::new());
    }
    let mut cfmt = Vec::with_capacity(end + 1);
    cfmt.extend_from_slice(&fmt[..end]);
    cfmt.push(0);
    // The reference sizes its buffer at 30 bytes per '%' and 1 per other
    // byte, and retries three times with roughly double the size; its
    // string buffer grows in powers of two from 32.
    let mut want: u32 = fmt[..end].iter().fold(0u32, |acc, &c| acc.wrapping_add(if c == b'%' { 30 } else { 1 }));
    for _ in 0..4 {
        let mut cap: usize = 32;
        while cap < want as usize {
            cap *= 2;
        }
        let mut buf = vec![0u8; cap];
        // SAFETY: `buf` has `cap` writable bytes, `cfmt` is NUL-terminated
        // and `tm` is a fully initialised struct tm from gmtime_r or
        // localtime_r (its tm_zone points to the C library's static data).
        let len = unsafe { strftime(buf.as_mut_ptr(), cap, cfmt.as_ptr() as *const c_char, &tm) };
        if len > 0 {
            buf.truncate(len);
            return Ok(buf);
        }
        want = want.wrapping_add(want | 1);
    }
    Err(DateOutput::NoResult)
}

/// `os.time(table)`: mktime with its normalisation; None where mktime
/// fails (returns -1, which includes the instant one second before the
/// epoch, exactly like the reference).
pub fn make_time(f: &TimeFields) -> Option<i64> {
    let mut tm = Tm::zeroed();
    tm.tm_sec = f.sec;
    tm.tm_min = f.min;
    tm.tm_hour = f.hour;
    tm.tm_mday = f.day;
    tm.tm_mon = f.month.wrapping_sub(1);
    tm.tm_year = f.year.wrapping_sub(1900);
    tm.tm_isdst = match f.isdst {
        None => -1,
        Some(true) => 1,
        Some(false) => 0,
    };
    // SAFETY: `tm` is a valid, initialised struct tm owned by this frame.
    let t = unsafe { mktime(&mut tm) };
    if t == -1 {
        None
    } else {
        Some(t)
    }
}

#[cfg(test)]
#[allow(clippy::approx_constant, clippy::excessive_precision)]
mod tests {
    use super::*;

    fn utc(fmt: &str, t: f64) -> DateOutput {
        os_date(format!("!{}", fmt).as_bytes(), time_from_number(t))
    }

    fn text(fmt: &str, t: f64) -> String {
        match utc(fmt, t) {
            DateOutput::Text(v) => String::from_utf8(v).unwrap(),
            other => panic!("{:?}", other),
        }
    }

    fn tf(year: i32, month: i32, day: i32, hour: i32, min: i32, sec: i32, isdst: Option<bool>) -> TimeFields {
        TimeFields { sec, min, hour, day, month, year, isdst }
    }

    #[test]
    fn utc_formats_match_reference() {
        assert_eq!(text("%Ez", 0.0), "+0000");
        assert_eq!(text("%", 0.0), "%");
        assert_eq!(text("%5d", 0.0), "00001");
        assert_eq!(text("%Q", 0.0), "%Q");
        assert_eq!(text("%c", 0.0), "Thu Jan  1 00:00:00 1970");
        assert_eq!(text("x%%y%", 0.0), "x%y%");
        assert_eq!(
            text("%a %A %b %B %c %d %e %g %G %h %H %I %j %k %l %m %M %n %p %P %r %R %s %S %t %T %u %U %V %w %W %x %X %y %Y %z %Z %C %D %F", 1700000000.9),
            "Tue Tuesday Nov November Tue Nov 14 22:13:20 2023 14 14 23 2023 Nov 22 10 318 22 10 11 13 \n PM pm 10:13:20 PM 22:13 1700000000 20 \t 22:13:20 2 46 46 2 46 11/14/23 22:13:20 23 2023 +0000 GMT 20 11/14/23 2023-11-14"
        );
        assert_eq!(text("%c", -1e10), "Mon Feb 10 06:13:20 1653");
        assert_eq!(text("%c", -1.5), "Wed Dec 31 23:59:59 1969");
        assert_eq!(text("%Y", 1e15), "31690708");
        assert_eq!(utc("%c", 1e20), DateOutput::InvalidTime);
        assert_eq!(utc("%Y", 2f64.powi(62)), DateOutput::InvalidTime);
        assert_eq!(utc("%Y", 1e17), DateOutput::InvalidTime);
        assert_eq!(utc("%Y", f64::NAN), DateOutput::InvalidTime);
        assert_eq!(utc("%Y", f64::INFINITY), DateOutput::InvalidTime);
        assert_eq!(text("%O", 0.0), "%O");
        assert_eq!(text("%Oy", 0.0), "70");
        assert_eq!(text("%E", 0.0), "%E");
        assert_eq!(text("%Ey", 0.0), "70");
        assert_eq!(text("%+", 0.0), "%+");
        assert_eq!(text("a\0%Y", 0.0), "a");
        assert_eq!(text("%\0Y", 0.0), "%");
        assert_eq!(text("", 0.0), "");
        assert_eq!(text("", 12345.0), "");
        assert_eq!(text("%p", 0.0), "AM");
        assert_eq!(text("%Y%", 0.0), "1970%");
        assert_eq!(text("%-d|%_m|%^a|%#Z|%010Y", 0.0), "1| 1|THU|gmt|0000001970");
        assert_eq!(text("%100Y", 0.0).len(), 100);
        assert_eq!(text("%270Y", 0.0).len(), 270);
        assert_eq!(text("%280Y", 0.0).len(), 280);
        assert_eq!(utc("%1000Y", 0.0), DateOutput::NoResult);
    }

    #[test]
    fn field_tables_match_reference() {
        assert_eq!(
            utc("*t", 1700000000.0),
            DateOutput::Fields(DateFields { sec: 20, min: 13, hour: 22, day: 14, month: 11, year: 2023, wday: 3, yday: 318, isdst: false })
        );
        assert_eq!(
            utc("*t", 86400.0 * 365.0),
            DateOutput::Fields(DateFields { sec: 0, min: 0, hour: 0, day: 1, month: 1, year: 1971, wday: 6, yday: 1, isdst: false })
        );
        assert_eq!(utc("*tx", 0.0), DateOutput::Text(b"*tx".to_vec()));
        assert_eq!(utc("*t ", 0.0), DateOutput::Text(b"*t ".to_vec()));
        assert_eq!(utc("*t", 1e20), DateOutput::InvalidTime);
    }

    #[test]
    fn local_time_round_trips() {
        // Holds in any time zone (away from DST transitions).
        for t in [0i64, 86400 * 365, 1700000000, 1685620800, -1e10 as i64] {
            let f = date_fields(t, false).unwrap();
            let back = make_time(&TimeFields {
                sec: f.sec,
                min: f.min,
                hour: f.hour,
                day: f.day,
                month: f.month,
                year: f.year as i32,
                isdst: Some(f.isdst),
            });
            assert_eq!(back, Some(t));
        }
    }

    /// These expectations hold where local time is UTC (this machine, CI).
    #[test]
    fn make_time_matches_reference_in_utc() {
        if date_fields(1685620800, false).map(|f| f.hour) != Some(12) || date_fields(0, false).map(|f| f.hour) != Some(0) {
            return; // Not a UTC machine.
        }
        assert_eq!(make_time(&tf(2023, 11, 14, 12, 0, 0, None)), Some(1699963200));
        assert_eq!(make_time(&tf(2023, 11, 14, 0, 0, 0, None)), Some(1699920000));
        assert_eq!(make_time(&tf(2023, 14, 40, -5, 70, -3, None)), Some(1710101397));
        assert_eq!(make_time(&tf(1969, 12, 31, 23, 59, 59, None)), None);
        assert_eq!(make_time(&tf(2023, 6, 1, 12, 0, 0, Some(true))), Some(1685617200));
        assert_eq!(make_time(&tf(2023, 6, 1, 12, 0, 0, Some(false))), Some(1685620800));
        assert_eq!(
            make_time(&tf(field_from_number(2023.7), 3, field_from_number(1.9), 12, 0, 0, None)),
            Some(1677672000)
        );
        assert_eq!(make_time(&tf(field_from_number(1e10), 1, 1, 12, 0, 0, None)), Some(44497304229902400));
        assert_eq!(make_time(&tf(-1000000, 1, 1, 12, 0, 0, None)), Some(-31619119176000));
        assert_eq!(field_from_number(2147485671.0), -2147481625);
        assert_eq!(make_time(&tf(field_from_number(2147485671.0), 1, 1, 12, 0, 0, None)), Some(-67768036728177600));
    }
}
