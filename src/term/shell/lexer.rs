//! Tokens of a shell script: words (with their quoting), operators, newlines,
//! redirections, and heredoc bodies.

use super::{Dialect, MAX_DEPTH, MAX_SCRIPT};

/// One piece of a word.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Part {
    /// Unquoted literal text.
    Lit(String),
    /// Quoted literal text (from '...', "...", a backslash escape or a heredoc).
    Quoted(String),
    /// `$name`, `${name}`, `${name:-word}`, ...
    Param {
        name: String,
        op: ParamOp,
        quoted: bool,
    },
    /// `$(...)` or backticks: the source of the inner script.
    CmdSub { src: String, quoted: bool },
    /// `$((...))`: the source of the expression.
    Arith { src: String, quoted: bool },
}

/// Parameter expansion operators.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParamOp {
    Plain,
    /// `${#name}`
    Length,
    /// `${name-w}` / `${name:-w}`
    Default(bool, Word),
    /// `${name=w}` / `${name:=w}`
    Assign(bool, Word),
    /// `${name+w}` / `${name:+w}`
    Alt(bool, Word),
    /// `${name?w}` / `${name:?w}`
    Error(bool, Word),
}

/// A shell word: its parts and its source text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Word {
    pub parts: Vec<Part>,
    pub raw: String,
}

impl Word {
    /// The word's text if it is a plain unquoted literal (keywords, names).
    pub fn plain(&self) -> Option<&str> {
        match self.parts.as_slice() {
            [Part::Lit(s)] => Some(s),
            _ => None,
        }
    }

    pub fn is_quoted(&self) -> bool {
        self.parts.iter().any(|p| !matches!(p, Part::Lit(_)))
    }

    /// Text with quotes removed and no expansion (heredoc delimiters).
    pub fn literal_text(&self) -> String {
        let mut s = String::new();
        for p in &self.parts {
            match p {
                Part::Lit(t) | Part::Quoted(t) => s.push_str(t),
                Part::Param { .. } | Part::CmdSub { .. } | Part::Arith { .. } => {}
            }
        }
        s
    }
}

/// A token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Tok {
    Word(Word),
    /// `&&`, `||`, `;;`, `;`, `&`, `|`, `(`, `)`
    Op(&'static str),
    /// A redirection operator with its optional file descriptor number.
    Redir {
        fd: Option<u32>,
        op: &'static str,
    },
    Newline,
    Eof,
}

impl Tok {
    /// How the shells name this token in "unexpected token" messages.
    pub fn text(&self) -> String {
        match self {
            Tok::Word(w) => w.raw.clone(),
            Tok::Op(o) => o.to_string(),
            Tok::Redir { fd, op } => match fd {
                Some(n) => format!("{n}{op}"),
                None => op.to_string(),
            },
            Tok::Newline => "newline".to_string(),
            Tok::Eof => "end of file".to_string(),
        }
    }
}

/// A heredoc body, in the order the `<<` operators appear.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HereDoc {
    pub body: Word,
}

/// A syntax error; its wording depends on the dialect.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SyntaxError {
    /// An unexpected token (its text; `newline` for a newline).
    Unexpected(String),
    /// The script ended inside a construct; `expecting` is busybox's hint.
    UnexpectedEof {
        expecting: Option<&'static str>,
    },
    /// An unterminated `'` or `"`.
    UnterminatedQuote(char),
    UnterminatedBackquote,
    /// `$(` without `)`.
    UnterminatedCmdSub,
    /// `$((` without `))`.
    UnterminatedArith,
    /// `${` without `}`.
    UnterminatedBrace,
    BadSubstitution(String),
    BadForVariable(String),
    TooDeep,
    TooLong,
}

impl SyntaxError {
    /// The message the shell prints (no trailing newline).
    pub fn message(&self, dialect: Dialect) -> String {
        use SyntaxError::*;
        match dialect {
            Dialect::Bash => match self {
                Unexpected(t) => format!("bash: syntax error near unexpected token `{t}'"),
                UnexpectedEof { .. } => "bash: syntax error: unexpected end of file".to_string(),
                UnterminatedQuote(q) => {
                    format!("bash: unexpected EOF while looking for matching `{q}'")
                }
                UnterminatedBackquote => {
                    "bash: unexpected EOF while looking for matching ``'".to_string()
                }
                UnterminatedCmdSub | UnterminatedArith => {
                    "bash: unexpected EOF while looking for matching `)'".to_string()
                }
                UnterminatedBrace => {
                    "bash: unexpected EOF while looking for matching `}'".to_string()
                }
                BadSubstitution(s) => format!("bash: {s}: bad substitution"),
                BadForVariable(v) => format!("bash: `{v}': not a valid identifier"),
                TooDeep => "bash: syntax error: nesting too deep".to_string(),
                TooLong => "bash: syntax error: script too long".to_string(),
            },
            Dialect::BusyboxAsh => match self {
                Unexpected(t) if t == "newline" => {
                    "sh: syntax error: unexpected newline".to_string()
                }
                Unexpected(t) => format!("sh: syntax error: unexpected \"{t}\""),
                UnexpectedEof { expecting: Some(e) } => {
                    format!("sh: syntax error: unexpected end of file (expecting \"{e}\")")
                }
                UnexpectedEof { expecting: None } => {
                    "sh: syntax error: unexpected end of file".to_string()
                }
                UnterminatedQuote(_) => "sh: syntax error: unterminated quoted string".to_string(),
                UnterminatedBackquote => {
                    "sh: syntax error: EOF in backquote substitution".to_string()
                }
                UnterminatedCmdSub => {
                    "sh: syntax error: unexpected end of file (expecting \")\")".to_string()
                }
                UnterminatedArith => "sh: syntax error: missing '))'".to_string(),
                UnterminatedBrace => "sh: syntax error: missing '}'".to_string(),
                BadSubstitution(_) => "sh: syntax error: bad substitution".to_string(),
                BadForVariable(_) => "sh: syntax error: bad for loop variable".to_string(),
                TooDeep => "sh: syntax error: nesting too deep".to_string(),
                TooLong => "sh: syntax error: script too long".to_string(),
            },
        }
    }

    /// True for errors caused by input ending too early (an interactive shell would
    /// read another line).
    pub fn is_eof(&self) -> bool {
        use SyntaxError::*;
        matches!(
            self,
            UnexpectedEof { .. }
                | UnterminatedQuote(_)
                | UnterminatedBackquote
                | UnterminatedCmdSub
                | UnterminatedArith
                | UnterminatedBrace
        )
    }

    /// Exit status after this error.
    pub fn status(&self, dialect: Dialect) -> i32 {
        match (self, dialect) {
            (SyntaxError::BadForVariable(_), Dialect::Bash) => 1,
            _ => 2,
        }
    }
}

pub type LexResult<T> = Result<T, SyntaxError>;

/// The whole script, tokenized.
#[derive(Debug, Default)]
pub struct Lexed {
    pub toks: Vec<Tok>,
    pub heredocs: Vec<HereDoc>,
}

pub fn tokenize(text: &str) -> LexResult<Lexed> {
    if text.len() > MAX_SCRIPT {
        return Err(SyntaxError::TooLong);
    }
    let mut lx = Lexer {
        c: text.chars().collect(),
        pos: 0,
        depth: 0,
        heredocs: Vec::new(),
        pending: Vec::new(),
    };
    let toks = lx.tokens(false)?;
    Ok(Lexed {
        toks,
        heredocs: lx.heredocs,
    })
}

/// Parses text with double-quote rules but no terminating quote (an unquoted
/// heredoc body, or an arithmetic expression): `$`, backticks and `\$ \` \\` expand.
pub fn heredoc_word(text: &str) -> LexResult<Word> {
    let mut lx = Lexer {
        c: text.chars().collect(),
        pos: 0,
        depth: 0,
        heredocs: Vec::new(),
        pending: Vec::new(),
    };
    let mut parts = Vec::new();
    lx.dquoted(&mut parts, None)?;
    Ok(Word {
        parts,
        raw: text.to_string(),
    })
}

struct Pending {
    delim: String,
    strip_tabs: bool,
    quoted: bool,
}

struct Lexer {
    c: Vec<char>,
    pos: usize,
    depth: usize,
    heredocs: Vec<HereDoc>,
    pending: Vec<Pending>,
}

fn is_op_char(ch: char) -> bool {
    matches!(ch, '|' | '&' | ';' | '<' | '>' | '(' | ')')
}

fn is_name_start(ch: char) -> bool {
    ch.is_ascii_alphabetic() || ch == '_'
}

fn is_name_char(ch: char) -> bool {
    ch.is_ascii_alphanumeric() || ch == '_'
}

fn push_lit(parts: &mut Vec<Part>, ch: char) {
    if let Some(Part::Lit(s)) = parts.last_mut() {
        s.push(ch);
    } else {
        parts.push(Part::Lit(ch.to_string()));
    }
}

fn push_quoted(parts: &mut Vec<Part>, s: &str) {
    if let Some(Part::Quoted(q)) = parts.last_mut() {
        q.push_str(s);
    } else {
        parts.push(Part::Quoted(s.to_string()));
    }
}

impl Lexer {
    fn peek(&self) -> Option<char> {
        self.c.get(self.pos).copied()
    }

    fn peek_at(&self, off: usize) -> Option<char> {
        self.c.get(self.pos + off).copied()
    }

    fn starts_with(&self, s: &str) -> bool {
        s.chars()
            .enumerate()
            .all(|(i, ch)| self.peek_at(i) == Some(ch))
    }

    fn enter(&mut self) -> LexResult<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            Err(SyntaxError::TooDeep)
        } else {
            Ok(())
        }
    }

    /// Tokenizes until end of input, or (with `in_cmdsub`) until the `)` that closes a `$(`.
    fn tokens(&mut self, in_cmdsub: bool) -> LexResult<Vec<Tok>> {
        let mut toks = Vec::new();
        let mut parens = 0usize;
        let mut want_delim: Option<bool> = None;
        loop {
            // skip blanks, line continuations and comments
            loop {
                match self.peek() {
                    Some(' ') | Some('\t') | Some('\r') => self.pos += 1,
                    Some('\\') if self.peek_at(1) == Some('\n') => self.pos += 2,
                    Some('#') => {
                        while let Some(ch) = self.peek() {
                            if ch == '\n' {
                                break;
                            }
                            self.pos += 1;
                        }
                    }
                    _ => break,
                }
            }
            let Some(ch) = self.peek() else {
                if in_cmdsub {
                    return Err(SyntaxError::UnterminatedCmdSub);
                }
                // heredocs still pending at end of input get what is left (nothing)
                for p in std::mem::take(&mut self.pending) {
                    let body = self.make_body(String::new(), p.quoted)?;
                    self.heredocs.push(HereDoc { body });
                }
                toks.push(Tok::Eof);
                return Ok(toks);
            };
            if ch == '\n' {
                self.pos += 1;
                self.read_heredoc_bodies()?;
                toks.push(Tok::Newline);
                want_delim = None;
                continue;
            }
            // IO number: digits immediately followed by < or >
            let mut n = 0;
            while self.peek_at(n).is_some_and(|c| c.is_ascii_digit()) {
                n += 1;
            }
            if n > 0 && n < 5 && matches!(self.peek_at(n), Some('<') | Some('>')) {
                let fd: u32 = self.c[self.pos..self.pos + n]
                    .iter()
                    .collect::<String>()
                    .parse()
                    .unwrap_or(0);
                self.pos += n;
                let op = self.redir_op();
                want_delim = heredoc_kind(op);
                toks.push(Tok::Redir { fd: Some(fd), op });
                continue;
            }
            if is_op_char(ch) {
                want_delim = None;
                if ch == '<' || ch == '>' || (ch == '&' && self.peek_at(1) == Some('>')) {
                    let op = self.redir_op();
                    want_delim = heredoc_kind(op);
                    toks.push(Tok::Redir { fd: None, op });
                    continue;
                }
                let op = self.op();
                if in_cmdsub {
                    if op == "(" {
                        parens += 1;
                    } else if op == ")" {
                        if parens == 0 {
                            toks.push(Tok::Eof);
                            return Ok(toks);
                        }
                        parens -= 1;
                    }
                }
                toks.push(Tok::Op(op));
                continue;
            }
            let w = self.word()?;
            if let Some(strip_tabs) = want_delim.take() {
                self.pending.push(Pending {
                    delim: w.literal_text(),
                    strip_tabs,
                    quoted: w.is_quoted(),
                });
            }
            toks.push(Tok::Word(w));
        }
    }

    fn op(&mut self) -> &'static str {
        for op in ["&&", "||", ";;", ";", "&", "|", "(", ")"] {
            if self.starts_with(op) {
                self.pos += op.len();
                return op;
            }
        }
        // unreachable for op chars, but never panic
        self.pos += 1;
        ";"
    }

    fn redir_op(&mut self) -> &'static str {
        for op in [
            "<<-", "<<", "<&", "<>", "<", ">>", ">&", ">|", ">", "&>>", "&>",
        ] {
            if self.starts_with(op) {
                self.pos += op.len();
                return op;
            }
        }
        self.pos += 1;
        ">"
    }

    fn read_heredoc_bodies(&mut self) -> LexResult<()> {
        for p in std::mem::take(&mut self.pending) {
            let mut body = String::new();
            loop {
                if self.pos >= self.c.len() {
                    break;
                }
                let start = self.pos;
                while self.peek().is_some_and(|c| c != '\n') {
                    self.pos += 1;
                }
                let mut line: String = self.c[start..self.pos].iter().collect();
                if self.peek() == Some('\n') {
                    self.pos += 1;
                }
                if p.strip_tabs {
                    line = line.trim_start_matches('\t').to_string();
                }
                if line == p.delim || line.strip_suffix('\r') == Some(p.delim.as_str()) {
                    break;
                }
                body.push_str(&line);
                body.push('\n');
            }
            let body = self.make_body(body, p.quoted)?;
            self.heredocs.push(HereDoc { body });
        }
        Ok(())
    }

    fn make_body(&mut self, body: String, quoted: bool) -> LexResult<Word> {
        if quoted {
            Ok(Word {
                parts: vec![Part::Quoted(body.clone())],
                raw: body,
            })
        } else {
            self.enter()?;
            let w = heredoc_word(&body);
            self.depth -= 1;
            w
        }
    }

    /// Lexes one word starting at a non-blank, non-operator character.
    fn word(&mut self) -> LexResult<Word> {
        let start = self.pos;
        let mut parts: Vec<Part> = Vec::new();
        while let Some(ch) = self.peek() {
            match ch {
                ' ' | '\t' | '\n' | '\r' => break,
                c if is_op_char(c) => break,
                '\\' => {
                    self.pos += 1;
                    match self.peek() {
                        Some('\n') => self.pos += 1,
                        Some(c) => {
                            self.pos += 1;
                            push_quoted(&mut parts, &c.to_string());
                        }
                        None => push_lit(&mut parts, '\\'),
                    }
                }
                '\'' => {
                    self.pos += 1;
                    let s = self.pos;
                    while self.peek().is_some_and(|c| c != '\'') {
                        self.pos += 1;
                    }
                    if self.peek().is_none() {
                        return Err(SyntaxError::UnterminatedQuote('\''));
                    }
                    let text: String = self.c[s..self.pos].iter().collect();
                    self.pos += 1;
                    push_quoted(&mut parts, &text);
                    // keep '' visible as a quoted (possibly empty) part
                    if text.is_empty() {
                        parts.push(Part::Quoted(String::new()));
                    }
                }
                '"' => {
                    self.pos += 1;
                    let before = parts.len();
                    self.dquoted(&mut parts, Some('"'))?;
                    if parts.len() == before {
                        parts.push(Part::Quoted(String::new()));
                    }
                }
                '$' => {
                    self.pos += 1;
                    match self.dollar(false)? {
                        Some(p) => parts.push(p),
                        None => push_lit(&mut parts, '$'),
                    }
                }
                '`' => {
                    self.pos += 1;
                    let src = self.backquote()?;
                    parts.push(Part::CmdSub { src, quoted: false });
                }
                c => {
                    self.pos += 1;
                    push_lit(&mut parts, c);
                }
            }
        }
        Ok(Word {
            parts,
            raw: self.c[start..self.pos].iter().collect(),
        })
    }

    /// Double-quoted text up to `term` (consumed), or to end of input when `term` is None.
    fn dquoted(&mut self, parts: &mut Vec<Part>, term: Option<char>) -> LexResult<()> {
        loop {
            let Some(ch) = self.peek() else {
                return match term {
                    Some(q) => Err(SyntaxError::UnterminatedQuote(q)),
                    None => Ok(()),
                };
            };
            self.pos += 1;
            match ch {
                c if Some(c) == term => return Ok(()),
                '\\' => match self.peek() {
                    Some('\n') => self.pos += 1,
                    Some(c)
                        if c == '$' || c == '`' || c == '\\' || (c == '"' && term.is_some()) =>
                    {
                        self.pos += 1;
                        push_quoted(parts, &c.to_string());
                    }
                    _ => push_quoted(parts, "\\"),
                },
                '$' => match self.dollar(true)? {
                    Some(p) => parts.push(p),
                    None => push_quoted(parts, "$"),
                },
                '`' => {
                    let src = self.backquote()?;
                    parts.push(Part::CmdSub { src, quoted: true });
                }
                c => push_quoted(parts, &c.to_string()),
            }
        }
    }

    /// After a `` ` ``: the inner source up to the closing backquote.
    fn backquote(&mut self) -> LexResult<String> {
        let mut src = String::new();
        loop {
            let Some(ch) = self.peek() else {
                return Err(SyntaxError::UnterminatedBackquote);
            };
            self.pos += 1;
            match ch {
                '`' => return Ok(src),
                '\\' => match self.peek() {
                    Some(c) if c == '`' || c == '\\' || c == '$' => {
                        self.pos += 1;
                        src.push(c);
                    }
                    _ => src.push('\\'),
                },
                c => src.push(c),
            }
        }
    }

    /// After a `$`: the expansion, or None when the `$` is literal.
    fn dollar(&mut self, quoted: bool) -> LexResult<Option<Part>> {
        match self.peek() {
            Some('(') if self.peek_at(1) == Some('(') => {
                self.pos += 2;
                let start = self.pos;
                let mut depth = 0usize;
                loop {
                    match self.peek() {
                        None => return Err(SyntaxError::UnterminatedArith),
                        Some('(') => depth += 1,
                        Some(')') => {
                            if depth == 0 {
                                if self.peek_at(1) == Some(')') {
                                    let src: String = self.c[start..self.pos].iter().collect();
                                    self.pos += 2;
                                    return Ok(Some(Part::Arith { src, quoted }));
                                }
                                return Err(SyntaxError::UnterminatedArith);
                            }
                            depth -= 1;
                        }
                        _ => {}
                    }
                    self.pos += 1;
                }
            }
            Some('(') => {
                self.pos += 1;
                self.enter()?;
                let start = self.pos;
                let saved_pending = std::mem::take(&mut self.pending);
                let saved_docs = self.heredocs.len();
                let r = self.tokens(true);
                self.pending = saved_pending;
                self.heredocs.truncate(saved_docs);
                self.depth -= 1;
                r?;
                // self.pos is just past the closing ')'
                let end = self.pos.saturating_sub(1).max(start);
                let src: String = self.c[start..end].iter().collect();
                Ok(Some(Part::CmdSub { src, quoted }))
            }
            Some('{') => {
                self.pos += 1;
                self.braced(quoted).map(Some)
            }
            Some(c) if is_name_start(c) => {
                let start = self.pos;
                while self.peek().is_some_and(is_name_char) {
                    self.pos += 1;
                }
                Ok(Some(Part::Param {
                    name: self.c[start..self.pos].iter().collect(),
                    op: ParamOp::Plain,
                    quoted,
                }))
            }
            Some(c) if c.is_ascii_digit() || "?#$@*!-".contains(c) => {
                self.pos += 1;
                Ok(Some(Part::Param {
                    name: c.to_string(),
                    op: ParamOp::Plain,
                    quoted,
                }))
            }
            _ => Ok(None),
        }
    }

    /// After `${`.
    fn braced(&mut self, quoted: bool) -> LexResult<Part> {
        let start = self.pos - 2;
        let bad = |lx: &mut Lexer| -> LexResult<Part> {
            // skip to the closing brace for the message
            while lx.peek().is_some_and(|c| c != '}') {
                lx.pos += 1;
            }
            if lx.peek().is_none() {
                return Err(SyntaxError::UnterminatedBrace);
            }
            lx.pos += 1;
            Err(SyntaxError::BadSubstitution(
                lx.c[start..lx.pos].iter().collect(),
            ))
        };
        let mut length = false;
        if self.peek() == Some('#') && self.peek_at(1).is_some_and(|c| c != '}') {
            length = true;
            self.pos += 1;
        }
        let name_start = self.pos;
        match self.peek() {
            Some(c) if is_name_start(c) => {
                while self.peek().is_some_and(is_name_char) {
                    self.pos += 1;
                }
            }
            Some(c) if c.is_ascii_digit() => {
                while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                    self.pos += 1;
                }
            }
            Some(c) if "?#$@*!-".contains(c) => self.pos += 1,
            None => return Err(SyntaxError::UnterminatedBrace),
            _ => return bad(self),
        }
        let name: String = self.c[name_start..self.pos].iter().collect();
        if self.peek() == Some('}') {
            self.pos += 1;
            let op = if length {
                ParamOp::Length
            } else {
                ParamOp::Plain
            };
            return Ok(Part::Param { name, op, quoted });
        }
        if length {
            return bad(self);
        }
        let colon = self.peek() == Some(':');
        if colon {
            self.pos += 1;
        }
        let kind = match self.peek() {
            Some(c) if "-=+?".contains(c) => c,
            None => return Err(SyntaxError::UnterminatedBrace),
            _ => return bad(self),
        };
        self.pos += 1;
        // the word up to the matching '}' (nested ${...} allowed)
        let wstart = self.pos;
        let mut depth = 0usize;
        let mut in_sq = false;
        loop {
            match self.peek() {
                None => return Err(SyntaxError::UnterminatedBrace),
                Some('\'') if !quoted => in_sq = !in_sq,
                Some('\\') if !in_sq => self.pos += 1,
                Some('{') if !in_sq => depth += 1,
                Some('}') if !in_sq => {
                    if depth == 0 {
                        break;
                    }
                    depth -= 1;
                }
                _ => {}
            }
            self.pos += 1;
        }
        let wtext: String = self.c[wstart..self.pos.min(self.c.len())].iter().collect();
        self.pos += 1;
        self.enter()?;
        let word = if quoted {
            heredoc_word(&wtext)
        } else {
            let mut sub = Lexer {
                c: wtext.chars().collect(),
                pos: 0,
                depth: self.depth,
                heredocs: Vec::new(),
                pending: Vec::new(),
            };
            sub.word_with_blanks()
        };
        self.depth -= 1;
        let word = word?;
        let op = match kind {
            '-' => ParamOp::Default(colon, word),
            '=' => ParamOp::Assign(colon, word),
            '+' => ParamOp::Alt(colon, word),
            _ => ParamOp::Error(colon, word),
        };
        Ok(Part::Param { name, op, quoted })
    }

    /// A word in which blanks and operator characters are literal (the `w` of `${x:-w}`).
    fn word_with_blanks(&mut self) -> LexResult<Word> {
        let mut parts = Vec::new();
        while self.pos < self.c.len() {
            let w = self.word()?;
            parts.extend(w.parts);
            if let Some(ch) = self.peek() {
                self.pos += 1;
                push_lit(&mut parts, ch);
            }
        }
        Ok(Word {
            parts,
            raw: self.c.iter().collect(),
        })
    }
}

fn heredoc_kind(op: &str) -> Option<bool> {
    match op {
        "<<" => Some(false),
        "<<-" => Some(true),
        _ => None,
    }
}
