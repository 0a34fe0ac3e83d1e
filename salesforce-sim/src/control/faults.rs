//! Injected faults: a queued failure answers the next matching calls instead of the handler, or
//! lets the call run and then breaks its answer (the write happened, the client cannot know).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use hyper::body::Frame;
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::time::Sleep;

use crate::server::Ctx;
use crate::state::State as SimState;

/// A queued failure: the next `count` matching calls answer `status` with `body` after `delay_ms`.
/// Without `status` the call is only delayed, then served normally. With `after`, the call is
/// served normally and its answer is then lost (`status` is ignored).
#[derive(Clone, Debug, Deserialize)]
pub struct Fault {
    #[serde(default = "one")]
    pub count: u32,
    #[serde(default)]
    pub status: Option<u16>,
    #[serde(default = "default_fault_body")]
    pub body: Value,
    #[serde(default)]
    pub delay_ms: u64,
    /// Only calls whose path starts with this (e.g. `/services/data`) are affected.
    #[serde(default)]
    pub path_prefix: Option<String>,
    /// Only calls with this HTTP method (any case), so a fault can hit the writes alone.
    #[serde(default)]
    pub method: Option<String>,
    #[serde(default)]
    pub after: Option<After>,
}

/// How an answer is lost once the call has run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum After {
    /// No answer at all, until the client gives up (or the simulator stops).
    Hang,
    /// The status line and headers, then a body cut off mid-stream: a transport error.
    Reset,
}

fn one() -> u32 {
    1
}

fn default_fault_body() -> Value {
    json!([{ "message": "Service unavailable", "errorCode": "SERVER_UNAVAILABLE" }])
}

impl Fault {
    fn applies(&self, method: &str, path: &str) -> bool {
        self.path_prefix
            .as_deref()
            .is_none_or(|p| path.starts_with(p))
            && self
                .method
                .as_deref()
                .is_none_or(|m| m.eq_ignore_ascii_case(method))
    }

    /// The answer a fault with a `status` gives instead of the handler's.
    pub fn answer(self, status: u16) -> Response {
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        match self.body {
            Value::String(text) => (status, text).into_response(),
            body => (status, Json(body)).into_response(),
        }
    }
}

impl SimState {
    /// Consumes one use of the first queued fault that applies to `method path`.
    pub fn take_fault(&mut self, method: &str, path: &str) -> Option<Fault> {
        let index = self.faults.iter().position(|f| f.applies(method, path))?;
        let fault = &mut self.faults[index];
        fault.count = fault.count.saturating_sub(1);
        let taken = fault.clone();
        if fault.count == 0 {
            self.faults.remove(index);
        }
        Some(taken)
    }
}

/// The served `response` with its body cut off after half of it. An answer without a body (204)
/// goes out as 200, since only a body can break mid-stream.
pub async fn cut_off(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    if bytes.is_empty() {
        parts.status = StatusCode::OK;
    }
    // The length would let a client count what is missing; the cut chunked body is the point.
    parts.headers.remove(header::CONTENT_LENGTH);
    let head = bytes.slice(..bytes.len() / 2);
    Response::from_parts(parts, Body::new(CutOff::Head(head)))
}

/// A body that sends its first part, pauses so that the status line, headers and that part
/// leave the server, then fails as a reset connection does.
enum CutOff {
    Head(Bytes),
    Pause(Pin<Box<Sleep>>),
    Done,
}

impl hyper::body::Body for CutOff {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        match &mut *self {
            CutOff::Head(head) => {
                let head = std::mem::take(head);
                *self = CutOff::Pause(Box::pin(tokio::time::sleep(Duration::from_millis(50))));
                Poll::Ready(Some(Ok(Frame::data(head))))
            }
            CutOff::Pause(pause) => {
                if pause.as_mut().poll(cx).is_pending() {
                    return Poll::Pending;
                }
                *self = CutOff::Done;
                Poll::Ready(Some(Err(std::io::Error::new(
                    std::io::ErrorKind::ConnectionReset,
                    "injected fault: connection reset mid-answer",
                ))))
            }
            CutOff::Done => Poll::Ready(None),
        }
    }
}

pub async fn add_fault(State(ctx): State<Ctx>, Json(fault): Json<Fault>) -> Response {
    let mut state = ctx.sim.lock();
    state.faults.push_back(fault);
    (
        StatusCode::CREATED,
        Json(json!({ "queued": state.faults.len() })),
    )
        .into_response()
}

pub async fn clear_faults(State(ctx): State<Ctx>) -> Response {
    ctx.sim.lock().faults.clear();
    StatusCode::NO_CONTENT.into_response()
}
