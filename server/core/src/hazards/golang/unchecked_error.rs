//! `go.unchecked-error-use`: a result used before its error is checked: nil
//! when the call failed, so the use panics.

use super::*;

/// What the runtime prints for a nil pointer dereference (the signal line
/// follows the panic line on every Unix).
pub(super) const NIL_DEREF: &str = "panic: runtime error: invalid memory address or nil pointer dereference\n[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x6b1f2e]";

/// Calls whose first result is nil when they fail, and what makes them fail.
pub(super) fn nil_on_error(cx: &FnCx, callee: &str, args: &[Node]) -> Option<&'static str> {
    let constant_args = !args.is_empty()
        && args.iter().all(|a| {
            matches!(
                a.kind(),
                "interpreted_string_literal" | "raw_string_literal"
            )
        });
    let method = callee.rsplit('.').next().unwrap_or_default();
    let receiver = callee.rsplit_once('.').map(|(r, _)| r).unwrap_or_default();
    let why = match callee {
        "http.Get" | "http.Post" | "http.Head" | "http.PostForm" => {
            "the request fails (DNS error, connection refused, TLS error, reset)"
        }
        "http.NewRequest" | "http.NewRequestWithContext" => {
            "the URL does not parse (a space, a missing scheme, a bad port) or the method is invalid"
        }
        "url.Parse" | "url.ParseRequestURI" => {
            "the text is not a valid URL (e.g. \"http://[::1\" or a control character)"
        }
        "regexp.Compile" | "regexp.CompilePOSIX" => "the pattern does not compile",
        "sql.Open" => "the driver name is not registered (a missing blank import)",
        "os.Stat" | "os.Lstat" => "the file does not exist or cannot be read",
        "user.Current" | "user.Lookup" | "user.LookupId" => {
            "the user has no entry in /etc/passwd (a scratch or distroless container running as a numeric UID)"
        }
        "x509.ParseCertificate" => "the bytes are not a DER certificate (a PEM file passed as is)",
        "net.Dial" | "net.DialTimeout" | "tls.Dial" => "the connection is refused or times out",
        "template.ParseFiles" | "template.ParseGlob" => {
            "the template file is missing or does not parse"
        }
        _ if method == "Do" && args.len() == 1 => {
            "the request fails (DNS error, connection refused, TLS error, reset)"
        }
        _ if matches!(method, "Get" | "Post" | "Head" | "PostForm")
            && receiver.to_lowercase().ends_with("client") =>
        {
            "the request fails (DNS error, connection refused, TLS error, reset)"
        }
        _ if matches!(method, "Parse" | "ParseFiles" | "ParseGlob")
            && receiver.contains("template.") =>
        {
            "the template does not parse"
        }
        _ => return None,
    };
    // A constant URL, pattern or template fails on the first run, not in production.
    if constant_args
        && matches!(
            method,
            "Parse" | "ParseRequestURI" | "Compile" | "CompilePOSIX"
        )
    {
        return None;
    }
    let _ = cx;
    Some(why)
}

/// The first use of `name` after byte `from` that dereferences it
/// (`resp.Body`, `u.Host`, `fi.Size()`), while that binding is in effect.
pub(super) fn first_dereference<'t>(
    cx: &FnCx<'_, 't>,
    name: &str,
    from: usize,
) -> Option<Node<'t>> {
    let body = cx.node.child_by_field_name("body")?;
    descendants(body).into_iter().find(|n| {
        n.start_byte() > from
            && n.kind() == "selector_expression"
            && n.child_by_field_name("operand")
                .is_some_and(|o| o.kind() == "identifier" && cx.text(o) == name)
            && binding_at(cx, name, n.start_byte()).is_some_and(|b| b.at < from)
    })
}

pub(super) fn unchecked_error_use(m: &Match, cx: &FnCx) -> Option<Finding> {
    let value = cx.text(m.get("value")?);
    let err = cx.text(m.get("err")?);
    let callee = cx.text(m.get("callee")?);
    let args = children(m.get("args")?);
    if value == "_" {
        return None;
    }
    if m.hazard.kind() == "assignment_statement"
        && m.hazard
            .child_by_field_name("operator")
            .is_some_and(|op| op.kind() != "=")
    {
        return None;
    }
    if callee == "time.LoadLocation" {
        return missing_location(m, cx, &value, &err);
    }
    let why = nil_on_error(cx, &callee, &args)?;
    let ignored = err == "_";
    // `u, err = url.Parse(s)` followed by `if err != nil { … }`: handled.
    if !ignored
        && m.hazard.next_named_sibling().is_some_and(|next| {
            next.kind() == "if_statement"
                && next
                    .child_by_field_name("condition")
                    .is_some_and(|c| mentions(&cx.text(c), &err))
        })
    {
        return None;
    }
    let use_node = first_dereference(cx, &value, m.hazard.end_byte())?;
    if guarded_by_any(cx, use_node, &[&value]) || !ignored && guarded_by_any(cx, use_node, &[&err])
    {
        return None;
    }
    let mut use_text = one_line(&cx.text(use_node), 30);
    if use_node
        .parent()
        .is_some_and(|p| p.kind() == "call_expression")
    {
        use_text.push_str("()");
    }
    let call_name = one_line(&callee, 30);
    let (trigger, summary, likelihood) = if ignored {
        (
            format!(
                "{why}: {call_name} returns a nil `{value}` with an error that is discarded, and `{use_text}` dereferences it"
            ),
            format!(
                "Predicted nil pointer dereference on {use_text} when {call_name} fails: the error is ignored"
            ),
            0.5,
        )
    } else {
        (
            format!(
                "{why}: {call_name} returns a nil `{value}`, and `{use_text}` runs before `{err}` is checked"
            ),
            format!(
                "Predicted nil pointer dereference on {use_text} when {call_name} fails: {err} is checked after this use"
            ),
            0.55,
        )
    };
    Some(
        Finding::new(
            FailureClass::NullOrNone,
            likelihood,
            "runtime.Error",
            NIL_DEREF,
            trigger,
            summary,
        )
        .at(use_node.byte_range()),
    )
}

/// `loc, _ := time.LoadLocation("Europe/Berlin")` then `t.In(loc)`: the
/// location is nil when the image has no time zone database.
pub(super) fn missing_location(m: &Match, cx: &FnCx, value: &str, err: &str) -> Option<Finding> {
    let body = cx.node.child_by_field_name("body")?;
    let from = m.hazard.end_byte();
    let call = descendants(body).into_iter().find(|n| {
        n.start_byte() > from
            && n.kind() == "call_expression"
            && {
                let callee = callee_text(cx, *n);
                callee.ends_with(".In") || callee == "time.Date"
            }
            && arguments(*n).iter().any(|a| cx.text(*a) == value)
    })?;
    if guarded_by_any(cx, call, &[value]) || err != "_" && guarded_by_any(cx, call, &[err]) {
        return None;
    }
    let callee = callee_text(cx, call);
    let (error, in_what) = if callee == "time.Date" {
        ("panic: time: missing Location in call to Date", "time.Date")
    } else {
        (
            "panic: time: missing Location in call to Time.In",
            "Time.In",
        )
    };
    let zone = m
        .hazard
        .child_by_field_name("right")
        .and_then(|r| r.named_child(0))
        .map(|c| arguments(c))
        .and_then(|a| a.first().map(|z| cx.text(*z)))
        .unwrap_or_default();
    Some(
        Finding::new(
            FailureClass::TimezoneDst,
            0.45,
            "panic",
            error,
            format!(
                "the image has no time zone database (scratch, distroless or alpine without tzdata), so time.LoadLocation({zone}) fails and `{value}` is nil"
            ),
            format!("Predicted panic in {in_what} when time.LoadLocation({zone}) fails: the error is ignored"),
        )
        .at(call.byte_range()),
    )
}
