#!/usr/bin/env python3
"""Probe pairs: small bug-and-fix functions of common failure shapes, in
every language failcast reads, written here (not taken from any project).
They are not the real-bug benchmark and count in none of its figures: they
ask whether a shape everyone knows (a wait with no timeout, a read to the
end of a request body, an index into a split) is a candidate at all, and
whether its usual fix silences it. A miss here is a gap in a rule's facts;
a fix still flagged is a guard the rule does not know.

    python3 scripts/probes.py [DIR]          # lays the pairs out (default target/probes)
    target/debug/failcast eval target/probes --cases

Each pair is laid out as a benchmark case (case.json, before/, after/),
with the failing line marked `FAIL` in both files.
"""

import json
import os
import shutil
import sys

ROOT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(os.path.abspath(__file__)), '..', 'target', 'probes')
EXT = {'python': 'py', 'go': 'go', 'java': 'java', 'javascript': 'js', 'typescript': 'ts', 'rust': 'rs'}


CASES = []


def case(cid, lang, cls, function, before, after):
    """One pair: the failing line is marked FAIL in both files."""
    CASES.append((cid, lang, cls, function, before, after))


def write(cid, lang, cls, function, before, after):
    d = os.path.join(ROOT, cid)
    os.makedirs(d + '/before')
    os.makedirs(d + '/after')
    ext = EXT[lang]

    def line_of(src):
        for i, line in enumerate(src.split('\n')):
            if 'FAIL' in line:
                return i + 1
        raise SystemExit(f'{cid}: no FAIL line')

    b = before.strip('\n') + '\n'
    a = after.strip('\n') + '\n'
    with open(f'{d}/before/f.{ext}', 'w') as f:
        f.write(b)
    with open(f'{d}/after/f.{ext}', 'w') as f:
        f.write(a)
    meta = {
        'id': cid, 'language': lang, 'repository': 'probe/probe', 'commit': '0' * 40,
        'license': 'MIT', 'function': function, 'class': cls,
        'error': 'probe', 'trigger': 'probe', 'evidence': 'probe',
        'before': {'source': 'probe', 'file': 'f', 'sha256': '0', 'line': line_of(b), 'path': f'before/f.{ext}'},
        'after': {'source': 'probe', 'file': 'f', 'sha256': '0', 'line': line_of(a), 'path': f'after/f.{ext}'},
        'split': 'probe',
    }
    with open(f'{d}/case.json', 'w') as f:
        json.dump(meta, f, indent=1)


# timeouts
case('py-sock-recv', 'python', 'timeout', 'read_reply', '''
def read_reply(sock):
    data = sock.recv(1024)  # FAIL
    return data.decode()
''', '''
def read_reply(sock):
    sock.settimeout(5)
    data = sock.recv(1024)  # FAIL
    return data.decode()
''')
case('py-subprocess-run', 'python', 'timeout', 'run_tool', '''
import subprocess

def run_tool(cmd):
    result = subprocess.run(cmd, capture_output=True)  # FAIL
    return result.stdout
''', '''
import subprocess

def run_tool(cmd):
    result = subprocess.run(cmd, capture_output=True, timeout=30)  # FAIL
    return result.stdout
''')
case('py-future-result', 'python', 'timeout', 'wait_result', '''
def wait_result(future):
    value = future.result()  # FAIL
    return value * 2
''', '''
def wait_result(future):
    value = future.result(timeout=10)  # FAIL
    return value * 2
''')
case('py-create-connection', 'python', 'timeout', 'connect', '''
import socket

def connect(host, port):
    s = socket.create_connection((host, port))  # FAIL
    s.sendall(b"hello")
    return s
''', '''
import socket

def connect(host, port):
    s = socket.create_connection((host, port), timeout=5)  # FAIL
    s.sendall(b"hello")
    return s
''')
case('go-http-get', 'go', 'timeout', 'fetch', '''
package p

import (
\t"io"
\t"net/http"
)

func fetch(url string) ([]byte, error) {
\tresp, err := http.Get(url) // FAIL
\tif err != nil {
\t\treturn nil, err
\t}
\tdefer resp.Body.Close()
\treturn io.ReadAll(resp.Body)
}
''', '''
package p

import (
\t"io"
\t"net/http"
\t"time"
)

var client = &http.Client{Timeout: 10 * time.Second}

func fetch(url string) ([]byte, error) {
\tresp, err := client.Get(url) // FAIL
\tif err != nil {
\t\treturn nil, err
\t}
\tdefer resp.Body.Close()
\treturn io.ReadAll(resp.Body)
}
''')
case('go-conn-read', 'go', 'timeout', 'readHeader', '''
package p

import "net"

func readHeader(conn net.Conn) ([]byte, error) {
\tbuf := make([]byte, 4)
\t_, err := conn.Read(buf) // FAIL
\treturn buf, err
}
''', '''
package p

import (
\t"net"
\t"time"
)

func readHeader(conn net.Conn) ([]byte, error) {
\tbuf := make([]byte, 4)
\tconn.SetReadDeadline(time.Now().Add(5 * time.Second))
\t_, err := conn.Read(buf) // FAIL
\treturn buf, err
}
''')
case('go-net-dial', 'go', 'timeout', 'dial', '''
package p

import "net"

func dial(addr string) (net.Conn, error) {
\treturn net.Dial("tcp", addr) // FAIL
}
''', '''
package p

import (
\t"net"
\t"time"
)

func dial(addr string) (net.Conn, error) {
\treturn net.DialTimeout("tcp", addr, 5*time.Second) // FAIL
}
''')
case('go-chan-recv', 'go', 'timeout', 'await', '''
package p

func await(done chan error) error {
\terr := <-done // FAIL
\treturn err
}
''', '''
package p

import "time"

func await(done chan error) error {
\tselect {
\tcase err := <-done: // FAIL
\t\treturn err
\tcase <-time.After(5 * time.Second):
\t\treturn nil
\t}
}
''')
case('java-future-get', 'java', 'timeout', 'Waiter.await', '''
import java.util.concurrent.Future;

class Waiter {
  String await(Future<String> f) throws Exception {
    return f.get(); // FAIL
  }
}
''', '''
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

class Waiter {
  String await(Future<String> f) throws Exception {
    return f.get(5, TimeUnit.SECONDS); // FAIL
  }
}
''')
case('java-url-connection', 'java', 'timeout', 'Client.read', '''
import java.io.InputStream;
import java.net.URL;
import java.net.URLConnection;

class Client {
  InputStream read(URL url) throws Exception {
    URLConnection c = url.openConnection();
    return c.getInputStream(); // FAIL
  }
}
''', '''
import java.io.InputStream;
import java.net.URL;
import java.net.URLConnection;

class Client {
  InputStream read(URL url) throws Exception {
    URLConnection c = url.openConnection();
    c.setConnectTimeout(5000);
    c.setReadTimeout(5000);
    return c.getInputStream(); // FAIL
  }
}
''')
case('java-queue-take', 'java', 'timeout', 'Worker.next', '''
import java.util.concurrent.BlockingQueue;

class Worker {
  private BlockingQueue<String> queue;

  String next() throws InterruptedException {
    return queue.take(); // FAIL
  }
}
''', '''
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

class Worker {
  private BlockingQueue<String> queue;

  String next() throws InterruptedException {
    return queue.poll(5, TimeUnit.SECONDS); // FAIL
  }
}
''')
case('js-fetch', 'javascript', 'timeout', 'load', '''
async function load(url) {
  const res = await fetch(url); // FAIL
  return res.json();
}
''', '''
async function load(url) {
  const res = await fetch(url, { signal: AbortSignal.timeout(5000) }); // FAIL
  return res.json();
}
''')
case('js-http-get', 'javascript', 'timeout', 'ping', '''
const http = require('http');

function ping(url, done) {
  http.get(url, (res) => done(res.statusCode)); // FAIL
}
''', '''
const http = require('http');

function ping(url, done) {
  const req = http.get(url, { timeout: 5000 }, (res) => done(res.statusCode)); // FAIL
  req.on('timeout', () => req.destroy());
}
''')
case('rust-tcp-connect', 'rust', 'timeout', 'dial', '''
use std::net::TcpStream;

fn dial(addr: &str) -> std::io::Result<TcpStream> {
    TcpStream::connect(addr) // FAIL
}
''', '''
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

fn dial(addr: &str) -> std::io::Result<TcpStream> {
    let addr = addr.to_socket_addrs()?.next().unwrap();
    TcpStream::connect_timeout(&addr, Duration::from_secs(5)) // FAIL
}
''')
case('rust-chan-recv', 'rust', 'timeout', 'wait', '''
use std::sync::mpsc::Receiver;

fn wait(rx: &Receiver<u32>) -> u32 {
    rx.recv().unwrap_or(0) // FAIL
}
''', '''
use std::sync::mpsc::Receiver;
use std::time::Duration;

fn wait(rx: &Receiver<u32>) -> u32 {
    rx.recv_timeout(Duration::from_secs(5)).unwrap_or(0) // FAIL
}
''')
case('rust-stream-read', 'rust', 'timeout', 'read_header', '''
use std::io::Read;
use std::net::TcpStream;

fn read_header(stream: &mut TcpStream) -> std::io::Result<[u8; 4]> {
    let mut buf = [0u8; 4];
    stream.read_exact(&mut buf)?; // FAIL
    Ok(buf)
}
''', '''
use std::io::Read;
use std::net::TcpStream;
use std::time::Duration;

fn read_header(stream: &mut TcpStream) -> std::io::Result<[u8; 4]> {
    let mut buf = [0u8; 4];
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    stream.read_exact(&mut buf)?; // FAIL
    Ok(buf)
}
''')

# resource exhaustion
case('py-resp-read', 'python', 'resource_exhaustion', 'download', '''
import urllib.request

def download(url):
    resp = urllib.request.urlopen(url, timeout=5)
    return resp.read()  # FAIL
''', '''
import urllib.request

MAX = 1 << 20

def download(url):
    resp = urllib.request.urlopen(url, timeout=5)
    return resp.read(MAX)  # FAIL
''')
case('py-walk-recursion', 'python', 'resource_exhaustion', 'walk', '''
def walk(node, out):
    out.append(node["name"])
    for child in node.get("children", []):
        walk(child, out)  # FAIL
''', '''
def walk(node, out, depth=0):
    if depth > 100:
        raise ValueError("too deep")
    out.append(node["name"])
    for child in node.get("children", []):
        walk(child, out, depth + 1)  # FAIL
''')
case('py-body-join', 'python', 'resource_exhaustion', 'read_body', '''
def read_body(stream):
    chunks = []
    while True:
        chunk = stream.read(4096)
        if not chunk:
            break
        chunks.append(chunk)  # FAIL
    return b"".join(chunks)
''', '''
LIMIT = 1 << 20

def read_body(stream):
    chunks = []
    size = 0
    while True:
        chunk = stream.read(4096)
        if not chunk:
            break
        size += len(chunk)
        if size > LIMIT:
            raise ValueError("body too large")
        chunks.append(chunk)  # FAIL
    return b"".join(chunks)
''')
case('go-readall', 'go', 'resource_exhaustion', 'handle', '''
package p

import (
\t"io"
\t"net/http"
)

func handle(w http.ResponseWriter, r *http.Request) {
\tbody, err := io.ReadAll(r.Body) // FAIL
\tif err != nil {
\t\treturn
\t}
\tw.Write(body)
}
''', '''
package p

import (
\t"io"
\t"net/http"
)

func handle(w http.ResponseWriter, r *http.Request) {
\tbody, err := io.ReadAll(io.LimitReader(r.Body, 1<<20)) // FAIL
\tif err != nil {
\t\treturn
\t}
\tw.Write(body)
}
''')
case('go-make-from-header', 'go', 'resource_exhaustion', 'readFrame', '''
package p

import (
\t"encoding/binary"
\t"io"
)

func readFrame(r io.Reader) ([]byte, error) {
\tvar hdr [4]byte
\tif _, err := io.ReadFull(r, hdr[:]); err != nil {
\t\treturn nil, err
\t}
\tn := binary.BigEndian.Uint32(hdr[:])
\tbuf := make([]byte, n) // FAIL
\t_, err := io.ReadFull(r, buf)
\treturn buf, err
}
''', '''
package p

import (
\t"encoding/binary"
\t"errors"
\t"io"
)

const maxFrame = 1 << 20

func readFrame(r io.Reader) ([]byte, error) {
\tvar hdr [4]byte
\tif _, err := io.ReadFull(r, hdr[:]); err != nil {
\t\treturn nil, err
\t}
\tn := binary.BigEndian.Uint32(hdr[:])
\tif n > maxFrame {
\t\treturn nil, errors.New("frame too large")
\t}
\tbuf := make([]byte, n) // FAIL
\t_, err := io.ReadFull(r, buf)
\treturn buf, err
}
''')
case('java-new-byte-len', 'java', 'resource_exhaustion', 'Frames.read', '''
import java.io.DataInputStream;
import java.io.IOException;

class Frames {
  byte[] read(DataInputStream in) throws IOException {
    int len = in.readInt();
    byte[] buf = new byte[len]; // FAIL
    in.readFully(buf);
    return buf;
  }
}
''', '''
import java.io.DataInputStream;
import java.io.IOException;

class Frames {
  static final int MAX = 1 << 20;

  byte[] read(DataInputStream in) throws IOException {
    int len = in.readInt();
    if (len < 0 || len > MAX) {
      throw new IOException("bad frame length " + len);
    }
    byte[] buf = new byte[len]; // FAIL
    in.readFully(buf);
    return buf;
  }
}
''')
case('java-read-all-bytes', 'java', 'resource_exhaustion', 'Upload.body', '''
import java.io.IOException;
import java.io.InputStream;

class Upload {
  byte[] body(InputStream in) throws IOException {
    return in.readAllBytes(); // FAIL
  }
}
''', '''
import java.io.IOException;
import java.io.InputStream;

class Upload {
  static final int MAX = 1 << 20;

  byte[] body(InputStream in) throws IOException {
    return in.readNBytes(MAX); // FAIL
  }
}
''')
case('js-body-accumulate', 'javascript', 'resource_exhaustion', 'collect', '''
function collect(req, done) {
  let body = '';
  req.on('data', (chunk) => {
    body += chunk; // FAIL
  });
  req.on('end', () => done(JSON.parse(body)));
}
''', '''
const LIMIT = 1 << 20;

function collect(req, done) {
  let body = '';
  req.on('data', (chunk) => {
    if (body.length + chunk.length > LIMIT) {
      req.destroy();
      return;
    }
    body += chunk; // FAIL
  });
  req.on('end', () => done(JSON.parse(body)));
}
''')
case('rust-with-capacity', 'rust', 'resource_exhaustion', 'read_frame', '''
use std::io::Read;

fn read_frame(r: &mut impl Read) -> std::io::Result<Vec<u8>> {
    let mut len = [0u8; 4];
    r.read_exact(&mut len)?;
    let n = u32::from_be_bytes(len) as usize;
    let mut buf = vec![0u8; n]; // FAIL
    r.read_exact(&mut buf)?;
    Ok(buf)
}
''', '''
use std::io::Read;

const MAX: usize = 1 << 20;

fn read_frame(r: &mut impl Read) -> std::io::Result<Vec<u8>> {
    let mut len = [0u8; 4];
    r.read_exact(&mut len)?;
    let n = u32::from_be_bytes(len) as usize;
    if n > MAX {
        return Err(std::io::Error::other("frame too large"));
    }
    let mut buf = vec![0u8; n]; // FAIL
    r.read_exact(&mut buf)?;
    Ok(buf)
}
''')
case('rust-read-to-end', 'rust', 'resource_exhaustion', 'slurp', '''
use std::io::Read;

fn slurp(r: &mut impl Read) -> std::io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    r.read_to_end(&mut buf)?; // FAIL
    Ok(buf)
}
''', '''
use std::io::Read;

fn slurp(r: &mut impl Read) -> std::io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    r.take(1 << 20).read_to_end(&mut buf)?; // FAIL
    Ok(buf)
}
''')
# index
case('py-split-index', 'python', 'index_out_of_range', 'port_of', '''
def port_of(address):
    parts = address.split(":")
    return int(parts[1])  # FAIL
''', '''
def port_of(address):
    parts = address.split(":")
    if len(parts) < 2:
        return 80
    return int(parts[1])  # FAIL
''')
case('py-first-of-filter', 'python', 'index_out_of_range', 'primary', '''
def primary(addresses):
    active = [a for a in addresses if a.active]
    return active[0]  # FAIL
''', '''
def primary(addresses):
    active = [a for a in addresses if a.active]
    if not active:
        return None
    return active[0]  # FAIL
''')
case('go-fields-index', 'go', 'index_out_of_range', 'method', '''
package p

import "strings"

func method(line string) string {
\tfields := strings.Fields(line)
\treturn fields[0] // FAIL
}
''', '''
package p

import "strings"

func method(line string) string {
\tfields := strings.Fields(line)
\tif len(fields) == 0 {
\t\treturn ""
\t}
\treturn fields[0] // FAIL
}
''')
case('java-list-get0', 'java', 'index_out_of_range', 'Picker.first', '''
import java.util.List;

class Picker {
  String first(List<String> names) {
    return names.get(0); // FAIL
  }
}
''', '''
import java.util.List;

class Picker {
  String first(List<String> names) {
    if (names.isEmpty()) {
      return null;
    }
    return names.get(0); // FAIL
  }
}
''')
case('java-substring', 'java', 'index_out_of_range', 'Codes.prefix', '''
class Codes {
  String prefix(String code) {
    return code.substring(0, 3); // FAIL
  }
}
''', '''
class Codes {
  String prefix(String code) {
    if (code.length() < 3) {
      return code;
    }
    return code.substring(0, 3); // FAIL
  }
}
''')
case('rust-slice-prefix', 'rust', 'index_out_of_range', 'prefix', '''
fn prefix(data: &[u8]) -> &[u8] {
    &data[..4] // FAIL
}
''', '''
fn prefix(data: &[u8]) -> &[u8] {
    if data.len() < 4 {
        return data;
    }
    &data[..4] // FAIL
}
''')
case('rust-index-first', 'rust', 'index_out_of_range', 'head', '''
fn head(items: &[String]) -> &str {
    &items[0] // FAIL
}
''', '''
fn head(items: &[String]) -> &str {
    match items.first() {
        Some(first) => first, // FAIL
        None => "",
    }
}
''')

# network
case('py-wrong-handler', 'python', 'network_error', 'fetch_status', '''
import requests

def fetch_status(url):
    try:
        return requests.get(url, timeout=5).status_code  # FAIL
    except requests.Timeout:
        return None
''', '''
import requests

def fetch_status(url):
    try:
        return requests.get(url, timeout=5).status_code  # FAIL
    except requests.RequestException:
        return None
''')
case('java-wrong-handler', 'java', 'network_error', 'Probe.reachable', '''
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;

class Probe {
  boolean reachable(String host, int port) throws Exception {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 2000); // FAIL
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    }
  }
}
''', '''
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

class Probe {
  boolean reachable(String host, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 2000); // FAIL
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
''')
case('rust-reqwest-unwrap', 'rust', 'network_error', 'status', '''
fn status(url: &str) -> u16 {
    reqwest::blocking::get(url).unwrap().status().as_u16() // FAIL
}
''', '''
fn status(url: &str) -> Option<u16> {
    let response = reqwest::blocking::get(url).ok()?; // FAIL
    Some(response.status().as_u16())
}
''')
# encoding
case('py-decode-default', 'python', 'encoding', 'banner', '''
def banner(sock):
    data = sock.recv(256)
    return data.decode()  # FAIL
''', '''
def banner(sock):
    data = sock.recv(256)
    return data.decode("utf-8", errors="replace")  # FAIL
''')
case('py-open-no-encoding', 'python', 'encoding', 'load_names', '''
def load_names(path):
    with open(path) as f:
        return f.read().splitlines()  # FAIL
''', '''
def load_names(path):
    with open(path, encoding="utf-8") as f:
        return f.read().splitlines()  # FAIL
''')
case('java-new-string-default', 'java', 'encoding', 'Decoder.text', '''
class Decoder {
  String text(byte[] body) {
    return new String(body); // FAIL
  }
}
''', '''
import java.nio.charset.StandardCharsets;

class Decoder {
  String text(byte[] body) {
    return new String(body, StandardCharsets.UTF_8); // FAIL
  }
}
''')
case('rust-str-byte-slice', 'rust', 'encoding', 'preview', '''
fn preview(s: &str) -> &str {
    if s.len() > 10 {
        &s[..10] // FAIL
    } else {
        s
    }
}
''', '''
fn preview(s: &str) -> &str {
    match s.char_indices().nth(10) {
        Some((end, _)) => &s[..end], // FAIL
        None => s,
    }
}
''')
case('go-string-byte-slice', 'go', 'encoding', 'preview', '''
package p

func preview(s string) string {
\tif len(s) > 10 {
\t\treturn s[:10] // FAIL
\t}
\treturn s
}
''', '''
package p

func preview(s string) string {
\tr := []rune(s)
\tif len(r) > 10 {
\t\treturn string(r[:10]) // FAIL
\t}
\treturn s
}
''')
# key missing
case('py-dict-key', 'python', 'key_missing', 'timeout_of', '''
import json

def timeout_of(text):
    config = json.loads(text)
    return config["timeout"]  # FAIL
''', '''
import json

def timeout_of(text):
    config = json.loads(text)
    return config.get("timeout", 30)  # FAIL
''')
case('py-environ', 'python', 'key_missing', 'home', '''
import os

def home():
    return os.environ["HOME"]  # FAIL
''', '''
import os

def home():
    return os.environ.get("HOME", "/")  # FAIL
''')
case('rust-map-index', 'rust', 'key_missing', 'price', '''
use std::collections::HashMap;

fn price(prices: &HashMap<String, u32>, item: &str) -> u32 {
    prices[item] // FAIL
}
''', '''
use std::collections::HashMap;

fn price(prices: &HashMap<String, u32>, item: &str) -> u32 {
    prices.get(item).copied().unwrap_or(0) // FAIL
}
''')
# parse
case('py-int-arg', 'python', 'parse_error', 'page_of', '''
def page_of(args):
    return int(args.get("page", "1"))  # FAIL
''', '''
def page_of(args):
    try:
        return int(args.get("page", "1"))  # FAIL
    except ValueError:
        return 1
''')
case('java-parse-int', 'java', 'parse_error', 'Pager.page', '''
class Pager {
  int page(String header) {
    return Integer.parseInt(header); // FAIL
  }
}
''', '''
class Pager {
  int page(String header) {
    try {
      return Integer.parseInt(header); // FAIL
    } catch (NumberFormatException e) {
      return 1;
    }
  }
}
''')
case('js-json-parse', 'javascript', 'parse_error', 'settings', '''
function settings(text) {
  return JSON.parse(text); // FAIL
}
''', '''
function settings(text) {
  try {
    return JSON.parse(text); // FAIL
  } catch (e) {
    return {};
  }
}
''')
case('rust-parse-unwrap', 'rust', 'parse_error', 'port', '''
fn port(value: &str) -> u16 {
    value.parse::<u16>().unwrap() // FAIL
}
''', '''
fn port(value: &str) -> u16 {
    value.parse::<u16>().unwrap_or(80) // FAIL
}
''')
# races
case('py-counter-race', 'python', 'race_condition', 'Stats.hit', '''
import threading

class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.hits = 0

    def hit(self):
        self.hits += 1  # FAIL
''', '''
import threading

class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.hits = 0

    def hit(self):
        with self.lock:
            self.hits += 1  # FAIL
''')
case('go-map-goroutine', 'go', 'race_condition', 'fill', '''
package p

import "sync"

func fill(keys []string) map[string]int {
\tout := map[string]int{}
\tvar wg sync.WaitGroup
\tfor _, k := range keys {
\t\twg.Add(1)
\t\tgo func(k string) {
\t\t\tdefer wg.Done()
\t\t\tout[k] = len(k) // FAIL
\t\t}(k)
\t}
\twg.Wait()
\treturn out
}
''', '''
package p

import "sync"

func fill(keys []string) map[string]int {
\tout := map[string]int{}
\tvar mu sync.Mutex
\tvar wg sync.WaitGroup
\tfor _, k := range keys {
\t\twg.Add(1)
\t\tgo func(k string) {
\t\t\tdefer wg.Done()
\t\t\tmu.Lock()
\t\t\tout[k] = len(k) // FAIL
\t\t\tmu.Unlock()
\t\t}(k)
\t}
\twg.Wait()
\treturn out
}
''')
case('java-shared-dateformat', 'java', 'race_condition', 'Stamp.format', '''
import java.text.SimpleDateFormat;
import java.util.Date;

class Stamp {
  private static final SimpleDateFormat FORMAT = new SimpleDateFormat("yyyy-MM-dd");

  String format(Date d) {
    return FORMAT.format(d); // FAIL
  }
}
''', '''
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;

class Stamp {
  private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd");

  String format(LocalDate d) {
    return FORMAT.format(d); // FAIL
  }
}
''')
case('java-check-then-put', 'java', 'race_condition', 'Registry.register', '''
import java.util.concurrent.ConcurrentHashMap;

class Registry {
  private final ConcurrentHashMap<String, Object> items = new ConcurrentHashMap<>();

  void register(String name, Object item) {
    if (!items.containsKey(name)) {
      items.put(name, item); // FAIL
    }
  }
}
''', '''
import java.util.concurrent.ConcurrentHashMap;

class Registry {
  private final ConcurrentHashMap<String, Object> items = new ConcurrentHashMap<>();

  void register(String name, Object item) {
    items.putIfAbsent(name, item); // FAIL
  }
}
''')
# time zones
case('py-naive-now', 'python', 'timezone_dst', 'expired', '''
from datetime import datetime

def expired(token):
    return datetime.now() > token.expires_at  # FAIL
''', '''
from datetime import datetime, timezone

def expired(token):
    return datetime.now(timezone.utc) > token.expires_at  # FAIL
''')
case('go-tomorrow-24h', 'go', 'timezone_dst', 'tomorrow', '''
package p

import "time"

func tomorrow(t time.Time) time.Time {
\treturn t.Add(24 * time.Hour) // FAIL
}
''', '''
package p

import "time"

func tomorrow(t time.Time) time.Time {
\treturn t.AddDate(0, 0, 1) // FAIL
}
''')
# null
case('py-re-match-group', 'python', 'null_or_none', 'version_of', '''
import re

def version_of(text):
    return re.match(r"v(\\d+)", text).group(1)  # FAIL
''', '''
import re

def version_of(text):
    m = re.match(r"v(\\d+)", text)
    if m is None:
        return None
    return m.group(1)  # FAIL
''')
case('java-map-get-deref', 'java', 'null_or_none', 'Users.email', '''
import java.util.Map;

class Users {
  String email(Map<String, String> emails, String user) {
    return emails.get(user).trim(); // FAIL
  }
}
''', '''
import java.util.Map;

class Users {
  String email(Map<String, String> emails, String user) {
    String email = emails.get(user);
    if (email == null) {
      return "";
    }
    return email.trim(); // FAIL
  }
}
''')
case('go-resp-before-err', 'go', 'null_or_none', 'status', '''
package p

import "net/http"

func status(c *http.Client, url string) (int, error) {
\tresp, err := c.Get(url)
\tdefer resp.Body.Close() // FAIL
\tif err != nil {
\t\treturn 0, err
\t}
\treturn resp.StatusCode, nil
}
''', '''
package p

import "net/http"

func status(c *http.Client, url string) (int, error) {
\tresp, err := c.Get(url)
\tif err != nil {
\t\treturn 0, err
\t}
\tdefer resp.Body.Close() // FAIL
\treturn resp.StatusCode, nil
}
''')
case('ts-find-deref', 'typescript', 'null_or_none', 'ownerId', '''
interface Member { id: string; role: string }

function ownerId(members: Member[]): string {
  return members.find((m) => m.role === "owner")!.id; // FAIL
}
''', '''
interface Member { id: string; role: string }

function ownerId(members: Member[]): string | undefined {
  return members.find((m) => m.role === "owner")?.id; // FAIL
}
''')
case('rust-get-unwrap', 'rust', 'null_or_none', 'owner', '''
use std::collections::HashMap;

fn owner(owners: &HashMap<u32, String>, id: u32) -> &str {
    owners.get(&id).unwrap() // FAIL
}
''', '''
use std::collections::HashMap;

fn owner(owners: &HashMap<u32, String>, id: u32) -> &str {
    owners.get(&id).map_or("", String::as_str) // FAIL
}
''')


# JavaScript and TypeScript
case('ts-optional-chain', 'typescript', 'null_or_none', 'cityOf', '''
interface User { address?: { city: string } }

function cityOf(user: User): string {
  return user.address.city; // FAIL
}
''', '''
interface User { address?: { city: string } }

function cityOf(user: User): string {
  return user.address?.city ?? ""; // FAIL
}
''')
case('js-json-field', 'javascript', 'null_or_none', 'authorName', '''
async function authorName(res) {
  const body = await res.json();
  return body.author.name; // FAIL
}
''', '''
async function authorName(res) {
  const body = await res.json();
  return body.author?.name ?? "unknown"; // FAIL
}
''')
case('js-array-first', 'javascript', 'null_or_none', 'firstTag', '''
function firstTag(post) {
  return post.tags[0].toLowerCase(); // FAIL
}
''', '''
function firstTag(post) {
  if (!post.tags || post.tags.length === 0) {
    return "";
  }
  return post.tags[0].toLowerCase(); // FAIL
}
''')
case('ts-unhandled-promise', 'typescript', 'network_error', 'refresh', '''
async function refresh(url: string): Promise<void> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5000) }); // FAIL
  cache.set(url, await res.text());
}
''', '''
async function refresh(url: string): Promise<void> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(5000) }); // FAIL
    cache.set(url, await res.text());
  } catch (err) {
    console.warn("refresh failed", err);
  }
}
''')
case('js-parseint-nan', 'javascript', 'parse_error', 'limitOf', '''
function limitOf(query) {
  const limit = parseInt(query.limit, 10);
  return items.slice(0, limit); // FAIL
}
''', '''
function limitOf(query) {
  const limit = parseInt(query.limit, 10);
  if (Number.isNaN(limit)) {
    return items.slice(0, 20);
  }
  return items.slice(0, limit); // FAIL
}
''')
case('js-division-length', 'javascript', 'division_by_zero', 'average', '''
function average(values) {
  const total = values.reduce((a, b) => a + b, 0);
  return total / values.length; // FAIL
}
''', '''
function average(values) {
  if (values.length === 0) {
    return 0;
  }
  const total = values.reduce((a, b) => a + b, 0);
  return total / values.length; // FAIL
}
''')
# Python
case('py-division-len', 'python', 'division_by_zero', 'average', '''
def average(values):
    return sum(values) / len(values)  # FAIL
''', '''
def average(values):
    if not values:
        return 0.0
    return sum(values) / len(values)  # FAIL
''')
case('py-max-empty', 'python', 'index_out_of_range', 'latest', '''
def latest(events):
    return max(e.timestamp for e in events)  # FAIL
''', '''
def latest(events):
    return max((e.timestamp for e in events), default=None)  # FAIL
''')
case('py-getattr-none', 'python', 'null_or_none', 'owner_email', '''
def owner_email(repo):
    owner = repo.get("owner")
    return owner["email"].lower()  # FAIL
''', '''
def owner_email(repo):
    owner = repo.get("owner")
    if owner is None:
        return None
    return owner["email"].lower()  # FAIL
''')
# Java
case('java-optional-get', 'java', 'null_or_none', 'Lookup.id', '''
import java.util.Optional;

class Lookup {
  String id(Optional<String> found) {
    return found.get(); // FAIL
  }
}
''', '''
import java.util.Optional;

class Lookup {
  String id(Optional<String> found) {
    return found.orElse(""); // FAIL
  }
}
''')
case('java-iterator-next', 'java', 'index_out_of_range', 'Queue.head', '''
import java.util.Iterator;
import java.util.List;

class Queue {
  String head(List<String> items) {
    Iterator<String> it = items.iterator();
    return it.next(); // FAIL
  }
}
''', '''
import java.util.Iterator;
import java.util.List;

class Queue {
  String head(List<String> items) {
    Iterator<String> it = items.iterator();
    return it.hasNext() ? it.next() : null; // FAIL
  }
}
''')
case('java-int-overflow', 'java', 'overflow', 'Sizes.total', '''
class Sizes {
  int total(int count, int size) {
    return count * size; // FAIL
  }
}
''', '''
class Sizes {
  int total(int count, int size) {
    return Math.multiplyExact(count, size); // FAIL
  }
}
''')
# Go
case('go-map-nil-write', 'go', 'null_or_none', 'Registry.Add', '''
package p

type Registry struct {
\titems map[string]int
}

func (r *Registry) Add(name string) {
\tr.items[name]++ // FAIL
}
''', '''
package p

type Registry struct {
\titems map[string]int
}

func (r *Registry) Add(name string) {
\tif r.items == nil {
\t\tr.items = map[string]int{}
\t}
\tr.items[name]++ // FAIL
}
''')
case('go-type-assertion', 'go', 'type_error', 'count', '''
package p

func count(v interface{}) int {
\treturn v.(int) // FAIL
}
''', '''
package p

func count(v interface{}) int {
\tn, ok := v.(int) // FAIL
\tif !ok {
\t\treturn 0
\t}
\treturn n
}
''')
case('go-int32-overflow', 'go', 'overflow', 'offset', '''
package p

func offset(page, size int) int32 {
\treturn int32(page * size) // FAIL
}
''', '''
package p

import "math"

func offset(page, size int) int32 {
\tn := page * size
\tif n > math.MaxInt32 {
\t\treturn math.MaxInt32
\t}
\treturn int32(n) // FAIL
}
''')
# Rust
case('rust-sub-overflow', 'rust', 'overflow', 'remaining', '''
fn remaining(total: u32, used: u32) -> u32 {
    total - used // FAIL
}
''', '''
fn remaining(total: u32, used: u32) -> u32 {
    total.saturating_sub(used) // FAIL
}
''')
case('rust-div-zero', 'rust', 'division_by_zero', 'per_item', '''
fn per_item(total: u64, items: u64) -> u64 {
    total / items // FAIL
}
''', '''
fn per_item(total: u64, items: u64) -> u64 {
    total.checked_div(items).unwrap_or(0) // FAIL
}
''')

# races
case('py-global-cache-write', 'python', 'race_condition', 'remember', '''
import threading

_CACHE = {}

def remember(key, value):
    if key not in _CACHE:
        _CACHE[key] = value  # FAIL
    return _CACHE[key]
''', '''
import threading

_CACHE = {}
_LOCK = threading.Lock()

def remember(key, value):
    with _LOCK:
        if key not in _CACHE:
            _CACHE[key] = value  # FAIL
        return _CACHE[key]
''')
case('py-lazy-singleton', 'python', 'race_condition', 'client', '''
import threading

_client = None

def client():
    global _client
    if _client is None:
        _client = make_client()  # FAIL
    return _client
''', '''
import threading

_client = None
_lock = threading.Lock()

def client():
    global _client
    with _lock:
        if _client is None:
            _client = make_client()  # FAIL
        return _client
''')
case('go-field-increment', 'go', 'race_condition', 'Server.handle', '''
package p

import "sync"

type Server struct {
\tmu       sync.Mutex
\trequests int
}

func (s *Server) handle() {
\ts.requests++ // FAIL
}
''', '''
package p

import "sync"

type Server struct {
\tmu       sync.Mutex
\trequests int
}

func (s *Server) handle() {
\ts.mu.Lock()
\ts.requests++ // FAIL
\ts.mu.Unlock()
}
''')
case('java-lazy-init', 'java', 'race_condition', 'Holder.get', '''
class Holder {
  private static Resource instance;

  static Resource get() {
    if (instance == null) {
      instance = new Resource(); // FAIL
    }
    return instance;
  }
}
''', '''
class Holder {
  private static Resource instance;

  static synchronized Resource get() {
    if (instance == null) {
      instance = new Resource(); // FAIL
    }
    return instance;
  }
}
''')
case('java-hashmap-field', 'java', 'race_condition', 'Sessions.open', '''
import java.util.HashMap;
import java.util.Map;

class Sessions {
  private final Map<String, Session> byId = new HashMap<>();

  void open(Session s) {
    byId.put(s.id(), s); // FAIL
  }

  synchronized Session find(String id) {
    return byId.get(id);
  }
}
''', '''
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

class Sessions {
  private final Map<String, Session> byId = new ConcurrentHashMap<>();

  void open(Session s) {
    byId.put(s.id(), s); // FAIL
  }

  Session find(String id) {
    return byId.get(id);
  }
}
''')
case('js-lost-update-await', 'javascript', 'race_condition', 'addPoints', '''
async function addPoints(store, user, points) {
  const current = await store.get(user);
  await store.set(user, current + points); // FAIL
}
''', '''
async function addPoints(store, user, points) {
  await store.incrBy(user, points); // FAIL
}
''')
case('rust-relaxed-flag', 'rust', 'race_condition', 'publish', '''
use std::sync::atomic::{AtomicBool, Ordering};

static READY: AtomicBool = AtomicBool::new(false);

fn publish(data: &mut Vec<u8>) {
    data.push(1);
    READY.store(true, Ordering::Relaxed); // FAIL
}
''', '''
use std::sync::atomic::{AtomicBool, Ordering};

static READY: AtomicBool = AtomicBool::new(false);

fn publish(data: &mut Vec<u8>) {
    data.push(1);
    READY.store(true, Ordering::Release); // FAIL
}
''')


def main():
    shutil.rmtree(ROOT, ignore_errors=True)
    for pair in CASES:
        write(*pair)
    print(f'{len(CASES)} probe pairs laid out in {os.path.normpath(ROOT)}')


if __name__ == '__main__':
    main()
