//! The stdio transport: `Content-Length` framed JSON-RPC over standard input and output, in
//! two threads that feed the server's channels. Unlike `lsp_server::Connection::stdio`, a
//! malformed message is logged (and answered, when it carries an id) instead of ending the
//! reader, so a client's mistake never stops the server.

use std::io::{self, BufRead, Write};
use std::thread;

use lsp_server::{Connection, ErrorCode, Message, RequestId, Response};

/// A message as read: a valid one, or what to say about an invalid one.
enum Read1 {
    Message(Message),
    /// Invalid: the log line and, when the text carried an id, the error to answer.
    Invalid(String, Option<Response>),
}

/// Reads one framed message; `None` at the end of the input.
fn read_one(input: &mut impl BufRead) -> io::Result<Option<Read1>> {
    let mut length: Option<usize> = None;
    let mut saw_header = false;
    loop {
        let mut line = String::new();
        if input.read_line(&mut line)? == 0 {
            return Ok(None);
        }
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            if saw_header {
                break;
            }
            continue;
        }
        saw_header = true;
        if let Some((name, value)) = line.split_once(':') {
            if name.trim().eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().ok();
            }
        }
    }
    let Some(length) = length else {
        return Ok(Some(Read1::Invalid(
            "a message without a valid Content-Length header was skipped".into(),
            None,
        )));
    };
    // A bound against a header that announces more than any editor sends.
    if length > 1 << 30 {
        return Ok(Some(Read1::Invalid(
            format!("a message of {length} bytes was refused"),
            None,
        )));
    }
    let mut body = vec![0; length];
    input.read_exact(&mut body)?;
    Ok(Some(match serde_json::from_slice::<Message>(&body) {
        Ok(m) => Read1::Message(m),
        Err(e) => {
            let id = serde_json::from_slice::<serde_json::Value>(&body)
                .ok()
                .and_then(|v| v.get("id").cloned())
                .and_then(|id| serde_json::from_value::<RequestId>(id).ok());
            let answer = id.map(|id| {
                Response::new_err(
                    id,
                    ErrorCode::InvalidRequest as i32,
                    format!("ismsc lsp: malformed message: {e}"),
                )
            });
            Read1::Invalid(format!("malformed message skipped: {e}"), answer)
        }
    }))
}

/// A connection over the process's standard input and output. The writer thread ends when
/// the returned connection's sender and every clone of it are dropped; join it to flush.
pub fn stdio() -> (Connection, thread::JoinHandle<()>) {
    let (to_client, outgoing) = crossbeam_channel_pair();
    let (incoming_tx, incoming) = crossbeam_channel_pair();
    let writer = thread::spawn(move || {
        let stdout = io::stdout();
        let mut out = stdout.lock();
        for msg in outgoing.iter() {
            if msg.write(&mut out).is_err() {
                break;
            }
        }
        let _ = out.flush();
    });
    let answers = to_client.clone();
    // The reader is not joined: it may wait on standard input until the process ends.
    thread::spawn(move || {
        let stdin = io::stdin();
        let mut input = stdin.lock();
        loop {
            match read_one(&mut input) {
                Ok(Some(Read1::Message(m))) => {
                    let exit = matches!(&m, Message::Notification(n) if n.method == "exit");
                    if incoming_tx.send(m).is_err() || exit {
                        break;
                    }
                }
                Ok(Some(Read1::Invalid(log, answer))) => {
                    eprintln!("ismsc lsp: {log}");
                    if let Some(r) = answer {
                        let _ = answers.send(Message::Response(r));
                    }
                }
                Ok(None) => break,
                Err(e) => {
                    eprintln!("ismsc lsp: cannot read standard input: {e}");
                    break;
                }
            }
        }
        drop(answers);
    });
    (
        Connection {
            sender: to_client,
            receiver: incoming,
        },
        writer,
    )
}

fn crossbeam_channel_pair() -> (
    crossbeam_channel::Sender<Message>,
    crossbeam_channel::Receiver<Message>,
) {
    crossbeam_channel::unbounded()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    #[test]
    fn malformed_messages_are_skipped_and_answered_when_they_have_an_id() {
        let text = [
            frame(r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}"#),
            frame(r#"{"jsonrpc":"2.0","id":2,"params":{"#),
            frame(r#"{"jsonrpc":"2.0","id":3,"method":42}"#),
            "Content-Type: x\r\n\r\n".to_string(),
            frame(r#"{"jsonrpc":"2.0","method":"exit"}"#),
        ]
        .concat();
        let mut input = io::Cursor::new(text.into_bytes());
        let mut seen = Vec::new();
        while let Some(r) = read_one(&mut input).unwrap() {
            seen.push(match r {
                Read1::Message(Message::Request(r)) => format!("request {}", r.method),
                Read1::Message(Message::Notification(n)) => format!("notification {}", n.method),
                Read1::Message(Message::Response(_)) => "response".into(),
                Read1::Invalid(_, Some(answer)) => format!("invalid, answered {:?}", answer.id),
                Read1::Invalid(_, None) => "invalid".into(),
            });
        }
        assert_eq!(
            seen,
            [
                "request initialize",
                "invalid",
                "invalid, answered RequestId(I32(3))",
                "invalid",
                "notification exit"
            ]
        );
    }
}
