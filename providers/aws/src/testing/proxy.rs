//! [`FaultProxy`]: an HTTP proxy on 127.0.0.1 between the SDK and the emulator that counts the
//! calls it forwards, and on demand injects faults (throttling, 5xx answers, connections dropped
//! before or after the emulator saw the request, latency) or plays a crash: after the k-th
//! mutating call is answered, nothing more gets through, as if the process had been killed at
//! that instant (the test then kills it).
//!
//! `STRATUS_PROXY_LOG=1` prints each call and the fault it met.
//!
//! Error answers are shaped as each AWS protocol shapes them (EC2 XML, query XML, REST XML,
//! JSON), so that the SDK reads the code (`RequestLimitExceeded`, `Throttling`, `SlowDown`,
//! `ThrottlingException`) as a real service's.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};

use super::behaviours::{self, AwsBehaviours};

/// A fault the proxy can inject.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Fault {
    /// A throttling error in the service's protocol (`RequestLimitExceeded` for EC2,
    /// `SlowDown` for S3, `Throttling` or `ThrottlingException` elsewhere).
    Throttle,
    /// `500 Internal Server Error`, the request not forwarded.
    InternalError,
    /// `503 Service Unavailable`, the request not forwarded.
    Unavailable,
    /// The connection closes before the request reaches the emulator.
    DropBefore,
    /// The request reaches the emulator and takes effect; the connection closes before the
    /// answer comes back.
    DropAfter,
    /// The answer comes back late (50 to 300 ms).
    Latency,
}

impl Fault {
    /// Every fault.
    pub const ALL: [Fault; 6] = [
        Fault::Throttle,
        Fault::InternalError,
        Fault::Unavailable,
        Fault::DropBefore,
        Fault::DropAfter,
        Fault::Latency,
    ];
}

/// What the proxy does to the requests it forwards.
#[derive(Clone, Debug)]
pub struct FaultPlan {
    /// The share of requests that meet a fault, 0.0 to 1.0.
    pub rate: f64,
    /// The faults to choose from, evenly.
    pub faults: Vec<Fault>,
    /// Only requests whose call (`ec2:CreateVpc`, `s3:PUT`) contains one of these; all when
    /// empty.
    pub only: Vec<String>,
    /// Only mutating calls.
    pub writes_only: bool,
    /// Seeds the choice, so that a run can be repeated.
    pub seed: u64,
}

impl FaultPlan {
    /// Every fault at `rate`.
    pub fn every_fault(rate: f64, seed: u64) -> Self {
        Self {
            rate,
            faults: Fault::ALL.to_vec(),
            only: Vec::new(),
            writes_only: false,
            seed,
        }
    }
}

/// What the proxy has seen since it started or was last reset.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProxyStats {
    /// Requests received.
    pub requests: usize,
    /// Requests received, by call (`ec2:DescribeVpcs`), faults included.
    pub calls: BTreeMap<String, usize>,
    /// Mutating calls answered by the emulator (with success or an error), by call
    /// (`ec2:CreateVpc`).
    pub mutating: BTreeMap<String, usize>,
    /// Faults injected, by kind.
    pub injected: BTreeMap<String, usize>,
}

impl ProxyStats {
    /// Mutating calls answered, all calls together.
    pub fn mutating_calls(&self) -> usize {
        self.mutating.values().sum()
    }

    /// Faults injected, all kinds together.
    pub fn faults(&self) -> usize {
        self.injected.values().sum()
    }
}

#[derive(Debug, Default)]
struct Shared {
    upstream: String,
    plan: Mutex<Option<FaultPlan>>,
    rng: AtomicU64,
    stats: Mutex<ProxyStats>,
    /// Mutating calls answered since the crash point was armed.
    answered: AtomicUsize,
    /// Crash after this many answered mutating calls (0: never).
    crash_after: AtomicUsize,
    tripped: AtomicBool,
    /// Requests being forwarded to the emulator right now, by a sequence number.
    forwarding: Mutex<BTreeMap<u64, String>>,
    /// The last sequence number given to a forwarded request.
    forwarded: AtomicU64,
    /// While true, requests wait before being forwarded (a frozen cloud).
    paused: tokio::sync::watch::Sender<bool>,
    /// AWS's behaviours to play, if any, and what they remember.
    behaviours: Mutex<Option<AwsBehaviours>>,
    memory: Mutex<behaviours::Memory>,
}

/// The proxy; it stops when dropped.
#[derive(Debug)]
pub struct FaultProxy {
    endpoint: String,
    shared: Arc<Shared>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl FaultProxy {
    /// Starts a proxy to `upstream` (`http://127.0.0.1:<port>`) on a free port of 127.0.0.1,
    /// on a thread of its own.
    ///
    /// # Panics
    /// When no port can be bound or `upstream` is not on 127.0.0.0/8.
    pub fn start(upstream: &str) -> Self {
        let address = upstream.trim_start_matches("http://").to_owned();
        let host: SocketAddr = address.parse().expect("upstream is http://<ip>:<port>");
        assert!(
            host.ip().is_loopback(),
            "the proxy forwards to 127.0.0.0/8 only"
        );
        let shared = Arc::new(Shared {
            upstream: address,
            ..Shared::default()
        });
        let std_listener =
            std::net::TcpListener::bind("127.0.0.1:0").expect("a free port on 127.0.0.1");
        std_listener.set_nonblocking(true).expect("a listener");
        let port = std_listener.local_addr().expect("a port").port();
        let (stop, stopped) = tokio::sync::oneshot::channel();
        let serving = Arc::clone(&shared);
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("a runtime for the proxy");
            runtime.block_on(async move {
                let listener = TcpListener::from_std(std_listener).expect("a tokio listener");
                tokio::select! {
                    () = accept(listener, serving) => {}
                    _ = stopped => {}
                }
            });
        });
        Self {
            endpoint: format!("http://127.0.0.1:{port}"),
            shared,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    /// The endpoint to give the SDK, `http://127.0.0.1:<port>`.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// Injects faults by `plan` from now on; `None` stops injecting.
    pub fn set_faults(&self, plan: Option<FaultPlan>) {
        if let Some(plan) = &plan {
            self.shared.rng.store(plan.seed, Ordering::SeqCst);
        }
        *lock(&self.shared.plan) = plan;
    }

    /// Plays a crash right after the `k`-th mutating call from now is answered (1-based):
    /// that answer and every later request are cut off. `None` disarms.
    pub fn crash_after(&self, k: Option<usize>) {
        self.shared.answered.store(0, Ordering::SeqCst);
        self.shared.tripped.store(false, Ordering::SeqCst);
        self.shared
            .crash_after
            .store(k.unwrap_or(0), Ordering::SeqCst);
    }

    /// Whether the crash point was reached.
    pub fn tripped(&self) -> bool {
        self.shared.tripped.load(Ordering::SeqCst)
    }

    /// Waits until no request is on its way to the emulator or back (at most `timeout`):
    /// requests a killed process sent before it died have then landed, as they do on AWS.
    ///
    /// # Errors
    /// The calls still on their way when `timeout` passed.
    pub fn wait_idle(&self, timeout: Duration) -> Result<(), Vec<String>> {
        let started = std::time::Instant::now();
        loop {
            let in_flight: Vec<String> = lock(&self.shared.forwarding).values().cloned().collect();
            if in_flight.is_empty() {
                return Ok(());
            }
            if started.elapsed() > timeout {
                return Err(in_flight);
            }
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    /// Holds every request before it is forwarded until [`FaultProxy::resume`]: calls in
    /// flight stay in flight (a cloud that has not answered yet).
    pub fn pause(&self) {
        self.shared.paused.send_replace(true);
    }

    /// Lets held and later requests through again.
    pub fn resume(&self) {
        self.shared.paused.send_replace(false);
    }

    /// Plays AWS's behaviours that the emulator lacks from now on (`None`: stops).
    pub fn set_behaviours(&self, behaviours: Option<AwsBehaviours>) {
        *lock(&self.shared.behaviours) = behaviours;
    }

    /// How many requests each behaviour refused, by the AWS error code answered
    /// (`InvalidParameterValue`, `DependencyViolation`…).
    pub fn refused(&self) -> BTreeMap<String, usize> {
        lock(&self.shared.memory)
            .refused
            .iter()
            .map(|(code, n)| ((*code).to_owned(), *n))
            .collect()
    }

    /// What the proxy has seen.
    pub fn stats(&self) -> ProxyStats {
        lock(&self.shared.stats).clone()
    }

    /// Forgets what the proxy has seen.
    pub fn reset_stats(&self) {
        *lock(&self.shared.stats) = ProxyStats::default();
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

async fn accept(listener: TcpListener, shared: Arc<Shared>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let shared = Arc::clone(&shared);
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |request| {
                let shared = Arc::clone(&shared);
                async move { handle(&shared, request).await }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

/// An error that makes hyper close the connection without an answer.
#[derive(Debug)]
struct Cut(&'static str);

impl std::fmt::Display for Cut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

impl std::error::Error for Cut {}

/// Records a request on its way to the emulator and back, until dropped.
struct Forwarding(Arc<Shared>, u64);

impl Forwarding {
    fn start(shared: Arc<Shared>, call: &str) -> Self {
        let id = shared.forwarded.fetch_add(1, Ordering::SeqCst);
        lock(&shared.forwarding).insert(id, call.to_owned());
        Self(shared, id)
    }
}

impl Drop for Forwarding {
    fn drop(&mut self) {
        lock(&self.0.forwarding).remove(&self.1);
    }
}

async fn handle(
    shared: &Arc<Shared>,
    request: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Cut> {
    let (parts, body) = request.into_parts();
    let body = body
        .collect()
        .await
        .map_err(|_| Cut("request body"))?
        .to_bytes();
    let call = Call::of(&parts.method, &parts.headers, &body);
    {
        let mut stats = lock(&shared.stats);
        stats.requests += 1;
        *stats.calls.entry(call.name.clone()).or_default() += 1;
    }
    if shared.tripped.load(Ordering::SeqCst) {
        return Err(Cut("the process is dead"));
    }
    let fault = choose(shared, &call);
    if let Some(fault) = fault {
        *lock(&shared.stats)
            .injected
            .entry(format!("{fault:?}"))
            .or_default() += 1;
    }
    if std::env::var_os("STRATUS_PROXY_LOG").is_some() {
        eprintln!("proxy: {} {fault:?} {:?}", call.name, call.form);
    }
    match fault {
        Some(Fault::Throttle) => return Ok(call.protocol.throttle()),
        Some(Fault::InternalError) => {
            return Ok(call.protocol.error(StatusCode::INTERNAL_SERVER_ERROR));
        }
        Some(Fault::Unavailable) => {
            return Ok(call.protocol.error(StatusCode::SERVICE_UNAVAILABLE));
        }
        Some(Fault::DropBefore) => return Err(Cut("dropped before forwarding")),
        Some(Fault::Latency) => {
            let millis = 50 + next(shared) % 250;
            tokio::time::sleep(Duration::from_millis(millis)).await;
        }
        Some(Fault::DropAfter) | None => {}
    }
    // Held here while paused; a client that dies meanwhile drops it unsent.
    let mut paused = shared.paused.subscribe();
    let _ = paused.wait_for(|held| !*held).await;
    let playing = lock(&shared.behaviours).clone();
    if let Some(played) = &playing
        && let Some(refusal) = play(shared, played, &call).await
    {
        let status = StatusCode::from_u16(refusal.status).unwrap_or(StatusCode::BAD_REQUEST);
        return Ok(call.protocol.answer(status, refusal.code, &refusal.message));
    }
    // A request that reached the proxy whole has left the client: it reaches the emulator even
    // if the client dies meanwhile (hyper then drops this handler, not the spawned task).
    let forwarding = Forwarding::start(Arc::clone(shared), &call.name);
    let answer = tokio::spawn(async move {
        let upstream = forwarding.0.upstream.clone();
        let answer = forward(&upstream, parts, body).await;
        drop(forwarding);
        answer
    })
    .await
    .map_err(|_| Cut("forwarding task"))??;
    let (mut head, mut body) = answer;
    if let Some(played) = &playing
        && head.status.is_success()
    {
        let text = String::from_utf8_lossy(&body).into_owned();
        let mut memory = lock(&shared.memory);
        behaviours::remember(&mut memory, &call.request(), &text);
        if let Some(rewritten) = behaviours::rewrite(played, &mut memory, &call.request(), &text) {
            head.headers.remove(hyper::header::CONTENT_LENGTH);
            body = Bytes::from(rewritten);
        }
    }
    let answer = Response::from_parts(head, Full::new(body));
    if call.mutating {
        *lock(&shared.stats)
            .mutating
            .entry(call.name.clone())
            .or_default() += 1;
        let crash_after = shared.crash_after.load(Ordering::SeqCst);
        let answered = shared.answered.fetch_add(1, Ordering::SeqCst) + 1;
        if crash_after != 0 && answered >= crash_after {
            shared.tripped.store(true, Ordering::SeqCst);
            return Err(Cut("crash point"));
        }
    }
    if fault == Some(Fault::DropAfter) {
        return Err(Cut("dropped after forwarding"));
    }
    Ok(answer)
}

/// Whether AWS would refuse this call now (see [`AwsBehaviours`]).
async fn play(
    shared: &Arc<Shared>,
    played: &AwsBehaviours,
    call: &Call,
) -> Option<behaviours::Refusal> {
    let request = call.request();
    // Asked of the emulator before the memory is locked: only for a gateway detach.
    let mapped = if call.action == "DetachInternetGateway" {
        let vpc = request.param("VpcId").unwrap_or_default();
        mapped_public_addresses(&shared.upstream, vpc).await
    } else {
        false
    };
    behaviours::refuse(played, &mut lock(&shared.memory), &request, |_| mapped)
}

/// Asks the emulator whether `vpc` still maps public addresses.
async fn mapped_public_addresses(upstream: &str, vpc: &str) -> bool {
    let balancers = ask(
        upstream,
        "elasticloadbalancing",
        "Action=DescribeLoadBalancers&Version=2015-12-01".into(),
    )
    .await;
    let instances = ask(
        upstream,
        "ec2",
        format!(
            "Action=DescribeInstances&Version=2016-11-15&Filter.1.Name=vpc-id&Filter.1.Value.1={vpc}&Filter.2.Name=instance-state-name&Filter.2.Value.1=running"
        ),
    )
    .await;
    let nat_gateways = ask(
        upstream,
        "ec2",
        format!(
            "Action=DescribeNatGateways&Version=2016-11-15&Filter.1.Name=vpc-id&Filter.1.Value.1={vpc}&Filter.2.Name=state&Filter.2.Value.1=available"
        ),
    )
    .await;
    behaviours::maps_public_addresses(vpc, &balancers, &instances, &nat_gateways)
}

/// One query-protocol call of the proxy's own to the emulator (which routes by the signing
/// scope and checks no signature); its answer's text, empty when it fails.
async fn ask(upstream: &str, service: &str, form: String) -> String {
    let request = Request::builder()
        .method(hyper::Method::POST)
        .uri("/")
        .header("host", upstream)
        .header("content-type", "application/x-www-form-urlencoded")
        .header(
            "authorization",
            format!(
                "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/{service}/aws4_request, SignedHeaders=host, Signature=00"
            ),
        )
        .body(Full::new(Bytes::from(form)));
    let Ok(request) = request else {
        return String::new();
    };
    let (parts, body) = request.into_parts();
    let body = body
        .collect()
        .await
        .map(http_body_util::Collected::to_bytes)
        .unwrap_or_default();
    match forward(upstream, parts, body).await {
        Ok((_, body)) => String::from_utf8_lossy(&body).into_owned(),
        Err(_) => String::new(),
    }
}

/// Sends the request to the emulator on a connection of its own.
async fn forward(
    upstream: &str,
    parts: hyper::http::request::Parts,
    body: Bytes,
) -> Result<(hyper::http::response::Parts, Bytes), Cut> {
    let stream = TcpStream::connect(upstream)
        .await
        .map_err(|_| Cut("emulator unreachable"))?;
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|_| Cut("handshake"))?;
    tokio::spawn(connection);
    let request = Request::from_parts(parts, Full::new(body));
    let answer = sender
        .send_request(request)
        .await
        .map_err(|_| Cut("emulator answer"))?;
    let (parts, body) = answer.into_parts();
    let body = body
        .collect()
        .await
        .map_err(|_| Cut("emulator answer body"))?
        .to_bytes();
    Ok((parts, body))
}

/// The fault for this request, if any.
fn choose(shared: &Shared, call: &Call) -> Option<Fault> {
    let plan = lock(&shared.plan).clone()?;
    if plan.faults.is_empty()
        || (plan.writes_only && !call.mutating)
        || (!plan.only.is_empty() && !plan.only.iter().any(|o| call.name.contains(o.as_str())))
    {
        return None;
    }
    let draw = next(shared);
    #[allow(clippy::cast_precision_loss)] // a probability: 53 bits are plenty
    let unit = (draw >> 11) as f64 / (1u64 << 53) as f64;
    if unit >= plan.rate {
        return None;
    }
    let pick = (next(shared) % plan.faults.len() as u64) as usize;
    Some(plan.faults[pick])
}

/// A mutex's value, whether or not a holder panicked (counters stay usable).
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// splitmix64 over a shared counter: deterministic for a seed, cheap, no dependency.
fn next(shared: &Shared) -> u64 {
    let mut z = shared
        .rng
        .fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::SeqCst)
        .wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// One request, as far as the proxy cares.
struct Call {
    /// `ec2:CreateVpc`, `secretsmanager:CreateSecret`, `s3:PUT`, `route53:POST`…
    name: String,
    mutating: bool,
    protocol: Protocol,
    /// The signing service (`ec2`, `iam`, `elasticloadbalancing`…).
    service: String,
    /// The query protocol's action (`RunInstances`), empty for other protocols.
    action: String,
    /// The query protocol's form parameters, decoded.
    form: Vec<(String, String)>,
}

/// How a service shapes its errors.
#[derive(Clone, Copy, Debug)]
enum Protocol {
    Ec2,
    Query,
    RestXml,
    S3,
    Json,
    RestJson,
}

impl Call {
    fn of(method: &hyper::Method, headers: &hyper::HeaderMap, body: &[u8]) -> Self {
        let service = headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(signing_service)
            .unwrap_or_default();
        if let Some(target) = headers.get("x-amz-target").and_then(|v| v.to_str().ok()) {
            let operation = target.rsplit('.').next().unwrap_or(target);
            return Self {
                name: format!("{service}:{operation}"),
                mutating: !crate::retry::is_read(operation),
                protocol: Protocol::Json,
                service,
                action: operation.to_owned(),
                form: Vec::new(),
            };
        }
        let form = std::str::from_utf8(body).unwrap_or_default();
        if let Some(action) = form
            .split('&')
            .find_map(|pair| pair.strip_prefix("Action="))
        {
            return Self {
                name: format!("{service}:{action}"),
                mutating: !crate::retry::is_read(action),
                protocol: if service == "ec2" {
                    Protocol::Ec2
                } else {
                    Protocol::Query
                },
                action: action.to_owned(),
                form: decode_form(form),
                service,
            };
        }
        let protocol = match service.as_str() {
            "s3" => Protocol::S3,
            "elasticfilesystem" => Protocol::RestJson,
            _ => Protocol::RestXml,
        };
        Self {
            name: format!("{service}:{method}"),
            mutating: !matches!(*method, hyper::Method::GET | hyper::Method::HEAD),
            protocol,
            service,
            action: String::new(),
            form: Vec::new(),
        }
    }

    /// The call as the behaviours see it.
    fn request(&self) -> behaviours::Request<'_> {
        // A REST call has no action: its method stands in (`cloudfront:GET`).
        let action = if self.action.is_empty() {
            self.name.split(':').nth(1).unwrap_or_default()
        } else {
            &self.action
        };
        behaviours::Request {
            service: &self.service,
            action,
            form: &self.form,
        }
    }
}

/// `a=1&b=x%20y` as pairs, percent- and plus-decoded.
fn decode_form(form: &str) -> Vec<(String, String)> {
    let decode = |text: &str| {
        percent_encoding::percent_decode_str(&text.replace('+', " "))
            .decode_utf8_lossy()
            .into_owned()
    };
    form.split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (decode(k), decode(v)))
        .collect()
}

/// The service a signature-v4 `Authorization` header signs for
/// (`Credential=AKID/20260101/us-east-1/ec2/aws4_request`).
fn signing_service(authorization: &str) -> Option<String> {
    let credential = authorization.split("Credential=").nth(1)?;
    let scope: Vec<&str> = credential.split(',').next()?.split('/').collect();
    scope.get(3).map(|s| (*s).to_owned())
}

impl Protocol {
    fn throttle(self) -> Response<Full<Bytes>> {
        match self {
            Protocol::Ec2 => self.answer(
                StatusCode::SERVICE_UNAVAILABLE,
                "RequestLimitExceeded",
                "Request limit exceeded.",
            ),
            Protocol::S3 => self.answer(
                StatusCode::SERVICE_UNAVAILABLE,
                "SlowDown",
                "Please reduce your request rate.",
            ),
            Protocol::Json | Protocol::RestJson => self.answer(
                StatusCode::BAD_REQUEST,
                "ThrottlingException",
                "Rate exceeded",
            ),
            Protocol::Query | Protocol::RestXml => {
                self.answer(StatusCode::BAD_REQUEST, "Throttling", "Rate exceeded")
            }
        }
    }

    fn error(self, status: StatusCode) -> Response<Full<Bytes>> {
        let code = if status == StatusCode::SERVICE_UNAVAILABLE {
            "ServiceUnavailable"
        } else {
            "InternalError"
        };
        self.answer(status, code, "injected by the test proxy")
    }

    fn answer(self, status: StatusCode, code: &str, message: &str) -> Response<Full<Bytes>> {
        let (content_type, body) = match self {
            Protocol::Ec2 => (
                "text/xml",
                format!(
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Errors><Error><Code>{code}</Code><Message>{message}</Message></Error></Errors><RequestID>proxy</RequestID></Response>"
                ),
            ),
            Protocol::Query | Protocol::RestXml => (
                "text/xml",
                format!(
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>proxy</RequestId></ErrorResponse>"
                ),
            ),
            Protocol::S3 => (
                "application/xml",
                format!(
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{code}</Code><Message>{message}</Message><RequestId>proxy</RequestId></Error>"
                ),
            ),
            Protocol::Json => (
                "application/x-amz-json-1.1",
                format!("{{\"__type\":\"{code}\",\"message\":\"{message}\"}}"),
            ),
            Protocol::RestJson => (
                "application/json",
                format!("{{\"ErrorCode\":\"{code}\",\"message\":\"{message}\"}}"),
            ),
        };
        let mut response = Response::new(Full::new(Bytes::from(body)));
        *response.status_mut() = status;
        let headers = response.headers_mut();
        headers.insert(
            "content-type",
            hyper::header::HeaderValue::from_static(content_type),
        );
        headers.insert(
            "x-amzn-requestid",
            hyper::header::HeaderValue::from_static("proxy"),
        );
        if matches!(self, Protocol::RestJson)
            && let Ok(value) = hyper::header::HeaderValue::from_str(code)
        {
            headers.insert("x-amzn-errortype", value);
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::signing_service;

    #[test]
    fn the_signed_service_is_read_from_the_credential_scope() {
        let header = "AWS4-HMAC-SHA256 Credential=testing/20261201/us-east-1/ec2/aws4_request, SignedHeaders=host, Signature=00";
        assert_eq!(signing_service(header).as_deref(), Some("ec2"));
        assert_eq!(signing_service("Bearer x"), None);
    }
}
