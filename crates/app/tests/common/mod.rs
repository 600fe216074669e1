//! What the `eropaf` CLI test binaries share: running the binary, a server killed when
//! dropped, a minimal HTTP client and logging in through the form.
// Each test binary uses its own part of this.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

pub const BIN: &str = env!("CARGO_BIN_EXE_eropaf");

pub fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("eropaf-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A running server; killed when dropped.
pub struct Server {
    child: Child,
    pub addr: String,
    pub stdout_lines: Vec<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn start(args: &[&str]) -> Server {
    start_logging(args, None)
}

/// A server whose log (stderr) goes to `log`.
pub fn start_logging(args: &[&str], log: Option<&std::path::Path>) -> Server {
    let stderr = log.map_or_else(Stdio::null, |path| Stdio::from(std::fs::File::create(path).unwrap()));
    let child = Command::new(BIN).args(args).stdout(Stdio::piped()).stderr(stderr).spawn().unwrap();
    // Owned by `Server` at once, so a failed assertion below still kills and reaps it.
    let mut server = Server { child, addr: String::new(), stdout_lines: Vec::new() };
    let mut reader = BufReader::new(server.child.stdout.take().unwrap());
    loop {
        let mut line = String::new();
        assert!(reader.read_line(&mut line).unwrap() > 0, "server exited early; printed {:?}", server.stdout_lines);
        let line = line.trim_end().to_string();
        if let Some(addr) = line.strip_prefix("Eropaf luistert op http://") {
            server.addr = addr.to_string();
            server.stdout_lines.push(line);
            return server;
        }
        server.stdout_lines.push(line);
    }
}

pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn cookie(&self, name: &str) -> Option<String> {
        self.headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case("set-cookie"))
            .find_map(|(_, v)| v.strip_prefix(&format!("{name}=")))
            .map(|v| v.split(';').next().unwrap_or("").to_string())
    }
}

/// A minimal HTTP/1.1 client: enough to drive the real server over loopback.
pub fn http(addr: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Response {
    let mut stream = TcpStream::connect(addr).unwrap();
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    stream.write_all(req.as_bytes()).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
    let headers = lines.filter_map(|l| l.split_once(": ")).map(|(k, v)| (k.to_string(), v.to_string())).collect();
    // Bodies may be chunked; the tests only search them for text, which chunk sizes don't break
    // except at boundaries, so join the chunks.
    let body = if head.to_ascii_lowercase().contains("transfer-encoding: chunked") { dechunk(body) } else { body.to_string() };
    Response { status, headers, body }
}

pub fn dechunk(mut s: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = s.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        s = rest[n..].trim_start_matches("\r\n");
    }
    out
}

pub fn hidden(body: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = body.find(&marker).unwrap() + marker.len();
    body[start..].split('"').next().unwrap().to_string()
}

/// The login form filled in with a user's name and (URL-encoded) password, and the answer.
pub fn submit_password(addr: &str, user: &str, password: &str) -> Response {
    let page = http(addr, "GET", "/inloggen", &[], "");
    let login_cookie = format!("__Host-eropaf-login={}", page.cookie("__Host-eropaf-login").unwrap());
    let form = format!("gebruikersnaam={user}&wachtwoord={}&csrf={}", password.replace('-', "%2D"), hidden(&page.body, "csrf"));
    http(addr, "POST", "/inloggen", &[("Cookie", &login_cookie), ("Content-Type", "application/x-www-form-urlencoded")], &form)
}

/// Logs in through the form, with the TOTP code of the moment when the role needs one, and
/// returns where `/` sends this user.
pub fn login_lands_on(addr: &str, user: &str, password: &str, totp: Option<&str>) -> String {
    let session = login(addr, user, password, totp);
    let home = http(addr, "GET", "/", &[("Cookie", &session)], "");
    let landing = home.header("location").unwrap().to_string();
    assert_eq!(http(addr, "GET", &landing, &[("Cookie", &session)], "").status, 200, "{user} sees {landing}");
    landing
}

/// Logs in (with the second factor when asked) and returns the session's Cookie header.
pub fn login(addr: &str, user: &str, password: &str, totp: Option<&str>) -> String {
    let res = submit_password(addr, user, password);
    assert_eq!(res.status, 303, "login as {user}");
    let mut session = format!("__Host-eropaf-session={}", res.cookie("__Host-eropaf-session").unwrap());
    if res.header("location") == Some("/inloggen/code") {
        let secret = totp.unwrap_or_else(|| panic!("{user} needs a second factor"));
        let page = http(addr, "GET", "/inloggen/code", &[("Cookie", &session)], "");
        let csrf = hidden(&page.body, "csrf");
        // A code counts once per account: when this 30-second step was used already, the next one.
        let mut answer = None;
        for _ in 0..2 {
            let code = web::totp::code(secret, time::OffsetDateTime::now_utc());
            let res = http(addr, "POST", "/inloggen/code", &[("Cookie", &session), ("Content-Type", "application/x-www-form-urlencoded")], &format!("code={code}&csrf={csrf}"));
            if res.status == 303 {
                answer = Some(res);
                break;
            }
            let wait = 30 - time::OffsetDateTime::now_utc().unix_timestamp().rem_euclid(30) + 1;
            std::thread::sleep(std::time::Duration::from_secs(wait as u64));
        }
        let res = answer.unwrap_or_else(|| panic!("second factor of {user} refused"));
        session = format!("__Host-eropaf-session={}", res.cookie("__Host-eropaf-session").unwrap());
    }
    session
}

/// role, user, password and TOTP secret (roles that see personal data) of each demo-login line.
pub fn demo_logins(server: &Server) -> Vec<(String, String, String, Option<String>)> {
    server
        .stdout_lines
        .iter()
        .filter_map(|l| l.strip_prefix("demo-login "))
        .map(|l| {
            let field = |k: &str| l.split(' ').find_map(|p| p.strip_prefix(&format!("{k}="))).map(String::from);
            (field("role").unwrap(), field("user").unwrap(), field("password").unwrap(), field("totp-secret"))
        })
        .collect()
}

pub fn eropaf(args: &[&str], stdin: &str) -> (bool, String, String) {
    let mut child = Command::new(BIN).args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    // Commands that read no password may exit before their stdin is written.
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    let out = child.wait_with_output().unwrap();
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}
