//! `GET /_sandbox/`: a page to keep open beside the site under test. It shows the accounts with
//! their balances, the calls as they go queued → dialing → final (each like a phone's incoming-call
//! screen, the code highlighted at the end of the caller's number), the outbox and the armed
//! faults, and refreshes itself every second by fetching `/_sandbox/live` (the same HTML, without
//! the page around it). `GET /_sandbox/state` answers the same data as JSON.
//!
//! Everything is inline (no external resource: it works offline). Every text that came from a
//! request is escaped, and the page's Content-Security-Policy runs only its own script.

use std::fmt::Write as _;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, Response, StatusCode, header};
use axum::routing::get;
use lbc_protocol::{CallStatus, UtcDateTime};
use serde_json::json;

use crate::answer::{escape_html as esc, html, json_response};
use crate::faults::{Fault, FaultKind};
use crate::routes::API_ROOT;
use crate::shared::Shared;
use crate::snapshot::{self, AccountRow, CallRow, Snapshot};
use crate::state::{Mail, PayShape};

/// The dashboard's routes.
pub(crate) fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/_sandbox", get(page))
        .route("/_sandbox/", get(page))
        .route("/_sandbox/live", get(live))
        .route("/_sandbox/state", get(state))
}

fn take(shared: &Shared) -> Snapshot {
    snapshot::take(shared, &format!("{}{API_ROOT}/", shared.origin))
}

async fn state(State(shared): State<Arc<Shared>>) -> Response<Body> {
    json_response(StatusCode::OK, &json!(take(&shared)))
}

async fn live(State(shared): State<Arc<Shared>>) -> Response<Body> {
    guarded(html(StatusCode::OK, render_live(&take(&shared))), None)
}

async fn page(State(shared): State<Arc<Shared>>) -> Response<Body> {
    let nonce = shared.lock().random_alnum(24);
    let snapshot = take(&shared);
    guarded(
        html(StatusCode::OK, render_page(&snapshot, &nonce)),
        Some(&nonce),
    )
}

/// Adds the headers that keep the page to itself: only its own script runs, nothing is loaded
/// from elsewhere, no caching.
fn guarded(mut response: Response<Body>, nonce: Option<&str>) -> Response<Body> {
    let script = nonce.map_or("'none'".to_owned(), |n| format!("'nonce-{n}'"));
    let policy = format!(
        "default-src 'none'; script-src {script}; style-src 'unsafe-inline'; \
         connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; \
         frame-ancestors 'none'"
    );
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&policy) {
        headers.insert(header::CONTENT_SECURITY_POLICY, value);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

const STYLE: &str = r#"
:root{--bg:#eef1f5;--card:#fff;--ink:#1b2230;--muted:#667085;--line:#e2e6ee;--blue:#2f6fed;
--green:#169b57;--amber:#c77d00;--red:#d23f3f;--grey:#7a8499}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);
font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif}
.mono,code,pre{font-family:ui-monospace,"SFMono-Regular","DejaVu Sans Mono",Menlo,monospace}
header{display:flex;align-items:center;gap:14px;padding:14px 24px;background:#161c28;color:#fff}
header h1{font-size:17px;font-weight:650;margin:0;letter-spacing:.01em}
header h1 span{color:#8fb3ff}
.conn{margin-left:auto;font-size:12px;padding:3px 10px;border-radius:999px;background:#23304a;color:#9fb3d9}
.conn.ok::before{content:"";display:inline-block;width:7px;height:7px;border-radius:50%;
background:#3ddc84;margin-right:6px;vertical-align:1px}
.conn.bad{background:#5a1f25;color:#ffb4b4}
.bar{display:flex;flex-wrap:wrap;gap:8px 22px;padding:10px 24px;background:#fff;
border-bottom:1px solid var(--line);color:var(--muted);font-size:13px}
.bar b{color:var(--ink);font-weight:600}
.bar .down{color:var(--red)}
main{display:grid;grid-template-columns:minmax(300px,370px) minmax(0,1fr);gap:20px;padding:20px 24px}
section{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:14px 16px;
margin:0 0 20px}
h2{font-size:12px;font-weight:650;text-transform:uppercase;letter-spacing:.08em;color:var(--muted);
margin:0 0 12px;display:flex;justify-content:space-between}
h2 small{text-transform:none;letter-spacing:0;font-weight:400}
.phones{display:flex;flex-direction:column;gap:14px}
.phone{border-radius:28px;padding:16px 20px 14px;color:#fff;position:relative;
background:linear-gradient(165deg,#2a3957,#121927);box-shadow:0 8px 20px rgba(18,25,39,.22)}
.phone::before{content:"";position:absolute;top:7px;left:50%;width:54px;height:5px;margin-left:-27px;
border-radius:3px;background:rgba(255,255,255,.16)}
.phone.ended{background:linear-gradient(165deg,#4b5468,#2d3443);box-shadow:none;padding:12px 18px 11px;
border-radius:22px}
.phone.ended::before{display:none}
.phone.ended .number{font-size:19px;margin:3px 0 2px}
.phone.ended .code{background:#d9dee8}
.phone.ended .facts{margin-top:6px}
.phone.ended .foot{margin-top:8px}
.phone .label{margin:4px 0 0;font-size:11px;letter-spacing:.12em;text-transform:uppercase;color:#a9b8d6}
.phone .number{margin:6px 0 4px;font:600 25px/1.25 ui-monospace,"DejaVu Sans Mono",monospace;
letter-spacing:.03em;white-space:nowrap}
.phone .code{background:#ffd84a;color:#1b2230;border-radius:7px;padding:0 5px;margin-left:3px}
.phone .hint{margin:0;font-size:13px;color:#cfd8ea}
.phone .hint b{font-family:ui-monospace,"DejaVu Sans Mono",monospace;color:#fff;font-size:14px}
.phone .facts{display:flex;flex-wrap:wrap;gap:4px 14px;margin:10px 0 0;font-size:12px;color:#a9b8d6}
.phone .facts span b{color:#e8eefb;font-weight:500}
.phone .foot{display:flex;justify-content:space-between;align-items:center;margin-top:12px}
.phone .id{font-size:11px;color:#8393b3}
.pill{display:inline-block;padding:2px 11px;border-radius:999px;font-size:12px;font-weight:650;
color:#fff;background:var(--grey)}
.pill.queued{background:#56627c}
.pill.dialing{background:var(--green);animation:ring 1s ease-in-out infinite}
.pill.answered{background:var(--blue)}
.pill.busy{background:var(--amber)}
.pill.notanswered{background:var(--grey)}
.pill.error{background:var(--red)}
@keyframes ring{50%{box-shadow:0 0 0 6px rgba(22,155,87,.25)}}
.lasterr{margin:8px 0 0;font-size:12px;color:#ffc2c2}
table{width:100%;border-collapse:collapse}
th,td{text-align:left;padding:7px 8px;border-bottom:1px solid var(--line);vertical-align:top}
tr:last-child td{border-bottom:0}
th{font-size:12px;font-weight:600;color:var(--muted)}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.id-cell{font-size:12px;word-break:break-all}
.sub{display:block;color:var(--muted);font-size:12px}
.big{font-size:15px;font-weight:650}
.tag{display:inline-block;margin:2px 4px 0 0;padding:1px 7px;border-radius:5px;font-size:11px;
background:#eef1f6;color:#46526b}
.tag.red{background:#fde8e8;color:#a32727}
.tag.green{background:#e3f6ec;color:#11703f}
.tag.blue{background:#e6eefe;color:#1f4fb5}
.empty{color:var(--muted);font-style:italic;margin:4px 0}
.mail{border-top:1px solid var(--line);padding:10px 0}
.mail:first-of-type{border-top:0;padding-top:0}
.mail .subject{font-weight:600}
.mail pre{margin:6px 0 0;padding:8px 10px;background:#f6f8fb;border-radius:8px;font-size:12px;
white-space:pre-wrap;word-break:break-word;max-height:150px;overflow:auto}
.warn{color:var(--red)}
@media (max-width:860px){main{grid-template-columns:1fr}}
"#;

const SCRIPT: &str = r#"
(function () {
  var live = document.getElementById('live');
  var conn = document.getElementById('conn');
  function again() { setTimeout(tick, 1000); }
  function tick() {
    // Leave the page alone while someone selects text on it (to copy an id).
    if (String(window.getSelection && window.getSelection()).length > 0) { return again(); }
    fetch('/_sandbox/live', {cache: 'no-store'})
      .then(function (r) { if (!r.ok) { throw new Error('HTTP ' + r.status); } return r.text(); })
      .then(function (text) {
        live.innerHTML = text;
        live.setAttribute('data-refreshes', String(Number(live.getAttribute('data-refreshes')) + 1));
        conn.className = 'conn ok';
        conn.textContent = 'live';
      })
      .catch(function () { conn.className = 'conn bad'; conn.textContent = 'sandbox not reachable'; })
      .then(again);
  }
  again();
})();
"#;

/// The whole page.
pub(crate) fn render_page(snapshot: &Snapshot, nonce: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>LoginByCall sandbox</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
         <header><h1>LoginByCall <span>sandbox</span></h1>\
         <span id=\"conn\" class=\"conn ok\">live</span></header>\n\
         <div id=\"live\" data-refreshes=\"0\">{live}</div>\n<script nonce=\"{nonce}\">{SCRIPT}</script>\n</body>\n</html>\n",
        live = render_live(snapshot),
        nonce = esc(nonce),
    )
}

/// The part that refreshes.
pub(crate) fn render_live(s: &Snapshot) -> String {
    let mut out = String::new();
    bar(&mut out, s);
    out.push_str("<main>\n<div>\n");
    calls(&mut out, s);
    out.push_str("</div>\n<div>\n");
    accounts(&mut out, s);
    faults(&mut out, &s.faults);
    outbox(&mut out, s);
    out.push_str("</div>\n</main>\n");
    out
}

fn clock_text(unix: i64) -> String {
    let t = UtcDateTime::from_unix(unix);
    format!(
        "{}-{:02}-{:02} {:02}:{:02}:{:02} UTC",
        t.year, t.month, t.day, t.hour, t.minute, t.second
    )
}

fn bar(out: &mut String, s: &Snapshot) {
    let status = if s.server_status == 1 {
        "<b>1</b> (working)".to_owned()
    } else {
        format!(
            "<b class=\"down\">{}</b> <span class=\"down\">(calls are rejected)</span>",
            s.server_status
        )
    };
    let _ = write!(
        out,
        "<div class=\"bar\"><span>API <b class=\"mono\">{url}</b></span>\
         <span>server_status {status}</span>\
         <span>requests <b>{total}</b>, answered by faults <b>{faulted}</b></span>\
         <span>clock <b>{clock}</b></span>",
        url = esc(&s.base_url),
        total = s.requests.total,
        faulted = s.requests.faulted,
        clock = clock_text(s.now),
    );
    if let Some(file) = &s.state_file {
        let _ = write!(
            out,
            "<span>state file <b class=\"mono\">{}</b>",
            esc(&file.path)
        );
        if let Some(error) = &file.error {
            let _ = write!(out, " <span class=\"warn\">{}</span>", esc(error));
        }
        out.push_str("</span>");
    }
    out.push_str("</div>\n");
}

fn more(total: usize, shown: usize) -> String {
    if total > shown {
        format!("<small>newest {shown} of {total}</small>")
    } else {
        format!("<small>{total}</small>")
    }
}

fn calls(out: &mut String, s: &Snapshot) {
    let _ = writeln!(
        out,
        "<section><h2>Calls {}</h2>\n<div class=\"phones\">",
        more(s.calls_total, s.calls.len())
    );
    if s.calls.is_empty() {
        out.push_str(
            "<p class=\"empty\">No calls yet. Start a login on your site: the call shows up here \
             as the user's phone would show it.</p>\n",
        );
    }
    for call in &s.calls {
        phone(out, call);
    }
    out.push_str("</div></section>\n");
}

fn ago(ms: i64) -> String {
    let seconds = ms.max(0) / 1000;
    match seconds {
        0..=59 => format!("{seconds} s ago"),
        60..=3599 => format!("{} min ago", seconds / 60),
        _ => format!("{} h ago", seconds / 3600),
    }
}

fn phone(out: &mut String, call: &CallRow) {
    let view = &call.view;
    let status = CallStatus::from_code(view.status);
    let split = view.mask.len().saturating_sub(view.code.len());
    let (rest, code) = view.mask.split_at(split);
    let ended = if status.is_final() { " ended" } else { "" };
    let label = match status {
        CallStatus::Queued => "Calling soon",
        CallStatus::Dialing => "Incoming call",
        _ => "Call ended",
    };
    let _ = write!(
        out,
        "<article class=\"phone{ended}\">\
         <p class=\"label\">{label}</p>\
         <p class=\"number\">+{rest}<span class=\"code\">{code}</span></p>\
         <p class=\"hint\">{hint}</p>\
         <p class=\"facts\"><span>to <b>+{msisdn}</b></span>",
        rest = esc(rest),
        code = esc(code),
        hint = if status.is_final() {
            format!("code <b>{}</b>", esc(code))
        } else {
            format!(
                "type <b>{}</b>, the last {} digits",
                esc(code),
                view.codelen
            )
        },
        msisdn = esc(&view.msisdn),
    );
    if let Some(ip) = &view.ip_address {
        let _ = write!(out, "<span>user IP <b>{}</b></span>", esc(ip));
    }
    if let Some(id) = &call.call_api_id {
        let _ = write!(out, "<span>account <b>{}</b></span>", esc(&short(id)));
    }
    let _ = write!(out, "<span>{}</span></p>", ago(call.age_ms));
    if let Some(error) = call.last_error {
        let _ = write!(out, "<p class=\"lasterr\">last_error: {}</p>", esc(error));
    }
    let _ = writeln!(
        out,
        "<div class=\"foot\"><span class=\"pill {desc}\">{code} {desc}</span>\
         <span class=\"id mono\" title=\"{id}\">{short}</span></div></article>",
        desc = esc(&view.status_desc),
        code = view.status,
        id = esc(&view.call),
        short = esc(&short(&view.call)),
    );
}

/// An id cut to its first 10 characters, for where the whole one does not fit.
fn short(id: &str) -> String {
    match id.char_indices().nth(10) {
        Some((at, _)) => format!("{}…", &id[..at]),
        None => id.to_owned(),
    }
}

fn accounts(out: &mut String, s: &Snapshot) {
    let _ = writeln!(
        out,
        "<section><h2>Accounts {}</h2>",
        more(s.accounts_total, s.accounts.len())
    );
    if s.accounts.is_empty() {
        out.push_str("<p class=\"empty\">No accounts.</p></section>\n");
        return;
    }
    out.push_str(
        "<table><thead><tr><th>call-api-id</th><th>site</th><th class=\"num\">available</th>\
         <th class=\"num\">consumed</th><th>state</th></tr></thead><tbody>\n",
    );
    for account in &s.accounts {
        account_row(out, account);
    }
    out.push_str("</tbody></table></section>\n");
}

fn account_row(out: &mut String, a: &AccountRow) {
    let site = match (&a.domain, &a.admin_email) {
        (None, None) => "<span class=\"sub\">made by the sandbox</span>".to_owned(),
        (domain, email) => format!(
            "{}<span class=\"sub\">{}</span>",
            esc(domain.as_deref().unwrap_or("")),
            esc(email.as_deref().unwrap_or(""))
        ),
    };
    let _ = write!(
        out,
        "<tr><td class=\"mono id-cell\">{id}</td><td>{site}</td>\
         <td class=\"num\"><span class=\"big\">{usd} USD</span>\
         <span class=\"sub\">{available} credits</span></td>\
         <td class=\"num\">{consumed}<span class=\"sub\">of {balance}</span></td><td>",
        id = esc(&a.call_api_id),
        usd = esc(&a.available_usd),
        available = a.available,
        consumed = a.consumed,
        balance = a.balance,
    );
    let (class, state) = match (a.blocked, a.key_state) {
        (true, _) => ("red", "blocked"),
        (false, "active") => ("green", "active"),
        (false, "retired") => ("red", "retired key"),
        _ => ("", "not confirmed"),
    };
    let _ = write!(out, "<span class=\"tag {class}\">{state}</span>");
    if a.keys > 1 {
        let _ = write!(out, "<span class=\"tag\">{} keys</span>", a.keys);
    }
    if a.allow_unsecure_calls {
        out.push_str("<span class=\"tag\">unsigned calls</span>");
    }
    if let Some(mask) = &a.fixed_mask {
        let _ = write!(
            out,
            "<span class=\"tag blue\">fixed mask {}</span>",
            esc(mask)
        );
    }
    if a.pay_shape == PayShape::Html {
        out.push_str("<span class=\"tag blue\">pay: html</span>");
    }
    out.push_str("</td></tr>\n");
}

fn fault_text(fault: &Fault) -> String {
    match fault.kind() {
        FaultKind::BadGateway => "HTTP 502 page".to_owned(),
        FaultKind::Unavailable => "HTTP 503 page".to_owned(),
        FaultKind::Delay(delay) => format!("delay {} ms", delay.as_millis()),
        FaultKind::Reset => "connection reset".to_owned(),
        FaultKind::Truncate => "answer cut in half".to_owned(),
        FaultKind::Hang => "no answer, ever".to_owned(),
        FaultKind::Raw(bytes) => format!("raw answer of {} bytes", bytes.len()),
        FaultKind::Error { code, additional } => {
            let mut text = format!("error {code}");
            if let Some(additional) = additional {
                let _ = write!(
                    text,
                    " additional {}",
                    serde_json::Value::Object(additional.clone())
                );
            }
            text
        }
    }
}

fn faults(out: &mut String, faults: &[Fault]) {
    let _ = writeln!(
        out,
        "<section><h2>Armed faults <small>{}</small></h2>",
        faults.len()
    );
    if faults.is_empty() {
        out.push_str(
            "<p class=\"empty\">None: every request is answered as usual. \
             Arm one with POST /_sandbox/faults.</p></section>\n",
        );
        return;
    }
    out.push_str(
        "<table><thead><tr><th>method</th><th>does</th><th class=\"num\">requests left</th>\
         </tr></thead><tbody>\n",
    );
    for fault in faults {
        let left = fault
            .count()
            .map_or("until cleared".to_owned(), |n| n.to_string());
        let _ = writeln!(
            out,
            "<tr><td class=\"mono\">{}</td><td class=\"mono\">{}</td><td class=\"num\">{}</td></tr>",
            esc(fault.method()),
            esc(&fault_text(fault)),
            left
        );
    }
    out.push_str("</tbody></table></section>\n");
}

fn outbox(out: &mut String, s: &Snapshot) {
    let _ = writeln!(
        out,
        "<section><h2>Outbox {}</h2>",
        more(s.outbox_total, s.outbox.len())
    );
    if s.outbox.is_empty() {
        out.push_str("<p class=\"empty\">No mail sent.</p>\n");
    }
    for mail in &s.outbox {
        mail_item(out, mail);
    }
    out.push_str("</section>\n");
}

fn mail_item(out: &mut String, mail: &Mail) {
    let _ = writeln!(
        out,
        "<div class=\"mail\"><div class=\"subject\">{}</div>\
         <span class=\"sub\">to {}</span><pre>{}</pre></div>",
        esc(&mail.subject),
        esc(&mail.to),
        esc(&mail.body)
    );
}
