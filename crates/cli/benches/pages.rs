//! Load benchmark: a real `confer` server in its own process on loopback, a demo authority of
//! CONFER_BENCH_FAMILIES families (default 50,000), and CONFER_BENCH_USERS concurrent signed-in
//! users (default 50) asking for pages for CONFER_BENCH_SECONDS (default 15) per page, each
//! waiting CONFER_BENCH_THINK_MS (default 500 ms, quicker than any person reads a page) between
//! a page and their next request; with CONFER_BENCH_THINK_MS=0 it is a stress test. Reports
//! the median and 99th percentile of the server's own time (its `Server-Timing` header) and of
//! the time seen by the client, on SQLite and, when it answers, PostgreSQL.
//!
//!   cargo bench -p confer --bench pages
//!
//! CONFER_BENCH_SQLITE_ONLY=1 measures SQLite alone.
//! The database is kept between runs in CONFER_BENCH_DIR (default target/bench-data) so the
//! 50,000 families are generated once.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

struct Server {
    child: Child,
    base: String,
    chair: (String, String, String),
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(url: &str, families: u32, port: u16) -> Server {
    let bin = env!("CARGO_BIN_EXE_confer");
    let started = Instant::now();
    let load = Command::new(bin)
        .args(["demo", "--load-only", "--families", &families.to_string(), "--database-url", url])
        .output()
        .expect("run confer demo --load-only");
    assert!(load.status.success(), "{}", String::from_utf8_lossy(&load.stderr));
    println!("  {}", String::from_utf8_lossy(&load.stdout).trim().replace('\n', "\n  "));
    println!("  (ready in {:.1} s)", started.elapsed().as_secs_f64());
    let addr = format!("127.0.0.1:{port}");
    let mut child = Command::new(bin)
        .args([
            "demo",
            "--families",
            &families.to_string(),
            "--database-url",
            url,
            "--addr",
            &addr,
            "--log-format",
            "text",
        ])
        .env("CONFER_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start confer demo");
    let out = BufReader::new(child.stdout.take().expect("stdout"));
    let mut chair = None;
    for line in out.lines() {
        let line = line.expect("read");
        if line.starts_with("demo-user role=chair ") {
            let field = |k: &str| line.split_whitespace().find_map(|w| w.strip_prefix(k)).unwrap_or("").to_owned();
            chair = Some((field("username="), field("password="), field("totp-secret=")));
        }
        if line.starts_with("confer is at") {
            break;
        }
    }
    let base = format!("http://{addr}");
    for _ in 0..100 {
        if std::net::TcpStream::connect(&addr).is_ok() {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Server { child, base, chair: chair.expect("the demo printed the chair's sign-in details") }
}

fn cookie_of(res: &reqwest::Response, name: &str) -> Option<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.split(';').next().and_then(|kv| kv.strip_prefix(&format!("{name}="))).map(str::to_owned))
}

fn csrf_in(body: &str) -> String {
    body.split("name=\"csrf_token\" value=\"").nth(1).and_then(|s| s.split('"').next()).unwrap_or("").to_owned()
}

/// Signs the chair in as a person would and returns the session cookie.
async fn sign_in(http: &reqwest::Client, server: &Server) -> String {
    let (user, password, secret) = &server.chair;
    let res = http.get(format!("{}/sign-in", server.base)).send().await.unwrap();
    let anon = cookie_of(&res, "__Host-confer_csrf").unwrap();
    let body = res.text().await.unwrap();
    let res = http
        .post(format!("{}/sign-in", server.base))
        .header("cookie", format!("__Host-confer_csrf={anon}"))
        .form(&[("csrf_token", csrf_in(&body).as_str()), ("username", user), ("password", password)])
        .send()
        .await
        .unwrap();
    let pending = cookie_of(&res, "__Host-confer_session").expect("password accepted");
    let page = http
        .get(format!("{}/sign-in/code", server.base))
        .header("cookie", format!("__Host-confer_session={pending}"))
        .send()
        .await
        .unwrap();
    let body = page.text().await.unwrap();
    let code = confer_store::users::totp_for(secret, user, "confer").unwrap().generate_current().unwrap();
    let res = http
        .post(format!("{}/sign-in/code", server.base))
        .header("cookie", format!("__Host-confer_session={pending}"))
        .form(&[("csrf_token", csrf_in(&body).as_str()), ("code", code.as_str())])
        .send()
        .await
        .unwrap();
    cookie_of(&res, "__Host-confer_session").expect("signed in")
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

async fn measure(
    http: &reqwest::Client,
    base: &str,
    cookie: &str,
    path: &str,
    users: usize,
    seconds: u64,
    think: Duration,
) {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for _ in 0..users {
        let http = http.clone();
        let url = format!("{base}{path}");
        let cookie = format!("__Host-confer_session={cookie}");
        tasks.push(tokio::spawn(async move {
            let mut server = Vec::new();
            let mut client = Vec::new();
            let mut errors = 0u32;
            while Instant::now() < deadline {
                let t = Instant::now();
                match http.get(&url).header("cookie", &cookie).send().await {
                    Ok(res) if res.status().is_success() => {
                        let st = res
                            .headers()
                            .get("server-timing")
                            .and_then(|v| v.to_str().ok())
                            .and_then(|v| v.split("dur=").nth(1))
                            .and_then(|v| v.parse::<f64>().ok());
                        let _ = res.bytes().await;
                        client.push(t.elapsed().as_secs_f64() * 1000.0);
                        if let Some(s) = st {
                            server.push(s);
                        }
                    }
                    _ => errors += 1,
                }
                tokio::time::sleep(think).await;
            }
            (server, client, errors)
        }));
    }
    let (mut server, mut client, mut errors) = (Vec::new(), Vec::new(), 0);
    for t in tasks {
        let (s, c, e) = t.await.unwrap();
        server.extend(s);
        client.extend(c);
        errors += e;
    }
    server.sort_by(|a, b| a.total_cmp(b));
    client.sort_by(|a, b| a.total_cmp(b));
    println!(
        "  {path:<24} {users} users, {} requests ({:.0}/s), {errors} errors | server median {:.1} ms, p99 {:.1} ms | client median {:.1} ms, p99 {:.1} ms",
        client.len(),
        client.len() as f64 / seconds as f64,
        percentile(&server, 0.5),
        percentile(&server, 0.99),
        percentile(&client, 0.5),
        percentile(&client, 0.99),
    );
}

fn main() {
    let families: u32 = env_or("CONFER_BENCH_FAMILIES", 50_000);
    let users: usize = env_or("CONFER_BENCH_USERS", 50);
    let seconds: u64 = env_or("CONFER_BENCH_SECONDS", 15);
    let think = Duration::from_millis(env_or("CONFER_BENCH_THINK_MS", 500));
    let dir = std::env::var("CONFER_BENCH_DIR")
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/../../target/bench-data").into());
    std::fs::create_dir_all(&dir).expect("bench dir");
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let pages =
        ["/", "/conferences/chair", "{conference}", "{conference}/meeting", "/families", "/families?q=a", "/deadlines"];
    let mut targets = vec![("SQLite".to_owned(), format!("sqlite://{dir}/bench-{families}.db"))];
    let pg =
        std::env::var("CONFER_BENCH_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let sqlite_only = std::env::var("CONFER_BENCH_SQLITE_ONLY").is_ok();
    if !sqlite_only && std::net::TcpStream::connect("127.0.0.1:5432").is_ok() {
        let base = pg.rsplit_once('/').map(|(b, _)| b.to_owned()).unwrap_or(pg.clone());
        targets.push(("PostgreSQL".into(), format!("{base}/confer_bench_{families}")));
        runtime.block_on(async {
            use sqlx::Connection;
            sqlx::any::install_default_drivers();
            if let Ok(mut c) = sqlx::AnyConnection::connect(&pg).await {
                let _ = sqlx::query(&format!("CREATE DATABASE confer_bench_{families}")).execute(&mut c).await;
            }
        });
    }
    for (i, (name, url)) in targets.iter().enumerate() {
        println!("{name}: {families} families");
        let server = start(url, families, 18_080 + i as u16);
        runtime.block_on(async {
            let http = reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .pool_max_idle_per_host(users)
                .build()
                .unwrap();
            let cookie = sign_in(&http, &server).await;
            // A conference the demo chair chairs, from their own list.
            let list = http
                .get(format!("{}/conferences/chair", server.base))
                .header("cookie", format!("__Host-confer_session={cookie}"))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            let conference = list
                .split("href=\"/conferences/")
                .skip(1)
                .filter_map(|s| s.split('"').next())
                .find(|s| !s.contains('/') && *s != "chair")
                .map(|id| format!("/conferences/{id}"));
            for path in pages {
                let path = match (&conference, path.contains("{conference}")) {
                    (Some(c), true) => path.replace("{conference}", c),
                    (None, true) => {
                        println!("  (the demo chair has no conference: {path} skipped)");
                        continue;
                    }
                    _ => path.to_owned(),
                };
                measure(&http, &server.base, &cookie, &path, users, seconds, think).await;
            }
        });
    }
}
