//! Recursive-descent parser: tokens -> AST.

use super::lexer::{tokenize, HereDoc, Part, SyntaxError, Tok, Word};
use super::MAX_DEPTH;

#[derive(Clone, Debug, Default)]
pub struct List {
    pub items: Vec<AndOr>,
}

#[derive(Clone, Debug)]
pub struct AndOr {
    pub first: Pipeline,
    /// (true for `&&`, false for `||`, pipeline)
    pub rest: Vec<(bool, Pipeline)>,
}

#[derive(Clone, Debug)]
pub struct Pipeline {
    pub bang: bool,
    pub cmds: Vec<Command>,
}

#[derive(Clone, Debug)]
pub enum Command {
    Simple(Simple),
    Compound(Box<Compound>, Vec<Redir>),
}

#[derive(Clone, Debug, Default)]
pub struct Simple {
    pub assigns: Vec<(String, Word)>,
    pub words: Vec<Word>,
    pub redirs: Vec<Redir>,
}

#[derive(Clone, Debug)]
pub enum Compound {
    Group(List),
    Subshell(List),
    If {
        arms: Vec<(List, List)>,
        else_: Option<List>,
    },
    For {
        var: String,
        items: Option<Vec<Word>>,
        body: List,
    },
    While {
        until: bool,
        cond: List,
        body: List,
    },
}

#[derive(Clone, Debug)]
pub struct Redir {
    pub fd: u32,
    pub kind: RedirKind,
}

#[derive(Clone, Debug)]
pub enum RedirKind {
    /// `> file`, `>> file`
    Out { target: Word, append: bool },
    /// `< file`
    In(Word),
    /// `N>&M`, `N<&M`
    Dup(Word),
    /// `&> file`: stdout and stderr to a file
    Both { target: Word, append: bool },
    /// heredoc body
    HereDoc(Word),
}

pub fn parse_script(text: &str) -> Result<List, SyntaxError> {
    let lexed = tokenize(text)?;
    let mut p = Parser {
        toks: lexed.toks,
        pos: 0,
        heredocs: lexed.heredocs.into_iter(),
        depth: 0,
    };
    let list = p.list(&[])?;
    match p.peek() {
        Tok::Eof => Ok(list),
        t => Err(SyntaxError::Unexpected(t.text())),
    }
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
    heredocs: std::vec::IntoIter<HereDoc>,
    depth: usize,
}

const RESERVED: &[&str] = &[
    "if", "then", "else", "elif", "fi", "do", "done", "case", "esac", "while", "until", "for", "{",
    "}", "!", "in",
];

fn keyword(t: &Tok) -> Option<&str> {
    match t {
        Tok::Word(w) => w.plain().filter(|s| RESERVED.contains(s)),
        _ => None,
    }
}

fn is_name(s: &str) -> bool {
    let mut ch = s.chars();
    matches!(ch.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && ch.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// `NAME=value` as an assignment: (name, value word).
fn as_assignment(w: &Word) -> Option<(String, Word)> {
    let Some(Part::Lit(first)) = w.parts.first() else {
        return None;
    };
    let eq = first.find('=')?;
    let name = &first[..eq];
    if !is_name(name) {
        return None;
    }
    let mut parts = Vec::new();
    let rest = &first[eq + 1..];
    if !rest.is_empty() {
        parts.push(Part::Lit(rest.to_string()));
    }
    parts.extend(w.parts[1..].iter().cloned());
    Some((
        name.to_string(),
        Word {
            parts,
            raw: w.raw.get(eq + 1..).unwrap_or("").to_string(),
        },
    ))
}

impl Parser {
    fn peek(&self) -> &Tok {
        self.toks.get(self.pos).unwrap_or(&Tok::Eof)
    }

    fn next(&mut self) -> Tok {
        let t = self.peek().clone();
        if self.pos < self.toks.len() {
            self.pos += 1;
        }
        t
    }

    fn at_keyword(&self, kw: &str) -> bool {
        keyword(self.peek()) == Some(kw)
    }

    fn skip_newlines(&mut self) {
        while matches!(self.peek(), Tok::Newline) {
            self.pos += 1;
        }
    }

    fn unexpected(&self, expecting: Option<&'static str>) -> SyntaxError {
        match self.peek() {
            Tok::Eof => SyntaxError::UnexpectedEof { expecting },
            t => SyntaxError::Unexpected(t.text()),
        }
    }

    fn expect_keyword(&mut self, kw: &'static str) -> Result<(), SyntaxError> {
        if self.at_keyword(kw) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.unexpected(Some(kw)))
        }
    }

    /// A list of and-or lists, up to a terminating keyword in `terms`, `)` or EOF.
    fn list(&mut self, terms: &[&'static str]) -> Result<List, SyntaxError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(SyntaxError::TooDeep);
        }
        let mut list = List::default();
        loop {
            self.skip_newlines();
            match self.peek() {
                Tok::Eof | Tok::Op(")") => break,
                t if keyword(t).is_some_and(|k| terms.contains(&k)) => break,
                _ => {}
            }
            list.items.push(self.and_or()?);
            match self.peek() {
                Tok::Op(";") | Tok::Op("&") | Tok::Newline => {
                    self.pos += 1;
                }
                Tok::Eof | Tok::Op(")") => break,
                t if keyword(t).is_some_and(|k| terms.contains(&k)) => break,
                _ => return Err(self.unexpected(None)),
            }
        }
        self.depth -= 1;
        Ok(list)
    }

    fn and_or(&mut self) -> Result<AndOr, SyntaxError> {
        let first = self.pipeline()?;
        let mut rest = Vec::new();
        loop {
            let and = match self.peek() {
                Tok::Op("&&") => true,
                Tok::Op("||") => false,
                _ => break,
            };
            self.pos += 1;
            self.skip_newlines();
            rest.push((and, self.pipeline()?));
        }
        Ok(AndOr { first, rest })
    }

    fn pipeline(&mut self) -> Result<Pipeline, SyntaxError> {
        let mut bang = false;
        if self.at_keyword("!") {
            self.pos += 1;
            bang = true;
        }
        let mut cmds = vec![self.command()?];
        while matches!(self.peek(), Tok::Op("|")) {
            self.pos += 1;
            self.skip_newlines();
            cmds.push(self.command()?);
        }
        Ok(Pipeline { bang, cmds })
    }

    fn command(&mut self) -> Result<Command, SyntaxError> {
        let compound = match keyword(self.peek()) {
            Some("if") => Some(self.if_clause()?),
            Some("for") => Some(self.for_clause()?),
            Some("while") => Some(self.while_clause(false)?),
            Some("until") => Some(self.while_clause(true)?),
            Some("{") => {
                self.pos += 1;
                let body = self.nonempty_list(&["}"])?;
                self.expect_keyword("}")?;
                Some(Compound::Group(body))
            }
            Some("in") | None => None,
            Some(_) => return Err(SyntaxError::Unexpected(self.peek().text())),
        };
        let compound = match (compound, self.peek()) {
            (Some(c), _) => Some(c),
            (None, Tok::Op("(")) => {
                self.pos += 1;
                let body = self.nonempty_list(&[])?;
                match self.next() {
                    Tok::Op(")") => {}
                    Tok::Eof => {
                        return Err(SyntaxError::UnexpectedEof {
                            expecting: Some(")"),
                        })
                    }
                    t => return Err(SyntaxError::Unexpected(t.text())),
                }
                Some(Compound::Subshell(body))
            }
            (None, _) => None,
        };
        if let Some(c) = compound {
            let mut redirs = Vec::new();
            while let Tok::Redir { .. } = self.peek() {
                redirs.push(self.redir()?);
            }
            return Ok(Command::Compound(Box::new(c), redirs));
        }
        self.simple()
    }

    fn nonempty_list(&mut self, terms: &[&'static str]) -> Result<List, SyntaxError> {
        let l = self.list(terms)?;
        if l.items.is_empty() {
            return Err(self.unexpected(terms.last().copied()));
        }
        Ok(l)
    }

    fn if_clause(&mut self) -> Result<Compound, SyntaxError> {
        self.pos += 1; // if
        let mut arms = Vec::new();
        let mut else_ = None;
        loop {
            let cond = self.nonempty_list(&["then"])?;
            self.expect_keyword("then")?;
            let body = self.nonempty_list(&["elif", "else", "fi"])?;
            arms.push((cond, body));
            match keyword(self.peek()) {
                Some("elif") => {
                    self.pos += 1;
                }
                Some("else") => {
                    self.pos += 1;
                    else_ = Some(self.nonempty_list(&["fi"])?);
                    self.expect_keyword("fi")?;
                    break;
                }
                Some("fi") => {
                    self.pos += 1;
                    break;
                }
                _ => return Err(self.unexpected(Some("fi"))),
            }
        }
        Ok(Compound::If { arms, else_ })
    }

    fn for_clause(&mut self) -> Result<Compound, SyntaxError> {
        self.pos += 1; // for
        let var = match self.next() {
            Tok::Word(w) => match w.plain() {
                Some(n) if is_name(n) => n.to_string(),
                _ => return Err(SyntaxError::BadForVariable(w.raw)),
            },
            Tok::Eof => return Err(SyntaxError::UnexpectedEof { expecting: None }),
            t => return Err(SyntaxError::Unexpected(t.text())),
        };
        self.skip_newlines();
        let mut items = None;
        if self.at_keyword("in") {
            self.pos += 1;
            let mut v = Vec::new();
            loop {
                match self.peek() {
                    Tok::Word(w) => {
                        v.push(w.clone());
                        self.pos += 1;
                    }
                    Tok::Op(";") | Tok::Newline => {
                        self.pos += 1;
                        break;
                    }
                    _ => return Err(self.unexpected(Some("do"))),
                }
            }
            items = Some(v);
        } else if matches!(self.peek(), Tok::Op(";")) {
            self.pos += 1;
        }
        self.skip_newlines();
        self.expect_keyword("do")?;
        let body = self.nonempty_list(&["done"])?;
        self.expect_keyword("done")?;
        Ok(Compound::For { var, items, body })
    }

    fn while_clause(&mut self, until: bool) -> Result<Compound, SyntaxError> {
        self.pos += 1;
        let cond = self.nonempty_list(&["do"])?;
        self.expect_keyword("do")?;
        let body = self.nonempty_list(&["done"])?;
        self.expect_keyword("done")?;
        Ok(Compound::While { until, cond, body })
    }

    fn redir(&mut self) -> Result<Redir, SyntaxError> {
        let Tok::Redir { fd, op } = self.next() else {
            return Err(self.unexpected(None));
        };
        let target = match self.next() {
            Tok::Word(w) => w,
            Tok::Eof => return Err(SyntaxError::Unexpected("newline".to_string())),
            t => return Err(SyntaxError::Unexpected(t.text())),
        };
        let kind = match op {
            "<<" | "<<-" => {
                let body = self.heredocs.next().map(|h| h.body).unwrap_or_default();
                RedirKind::HereDoc(body)
            }
            "<" | "<>" => RedirKind::In(target),
            ">&" if fd.is_none()
                && target
                    .plain()
                    .is_some_and(|t| t.parse::<u32>().is_err() && t != "-") =>
            {
                RedirKind::Both {
                    target,
                    append: false,
                }
            }
            "<&" | ">&" => RedirKind::Dup(target),
            ">>" => RedirKind::Out {
                target,
                append: true,
            },
            "&>" => RedirKind::Both {
                target,
                append: false,
            },
            "&>>" => RedirKind::Both {
                target,
                append: true,
            },
            _ => RedirKind::Out {
                target,
                append: false,
            },
        };
        let default_fd = if op.starts_with('<') { 0 } else { 1 };
        Ok(Redir {
            fd: fd.unwrap_or(default_fd),
            kind,
        })
    }

    fn simple(&mut self) -> Result<Command, SyntaxError> {
        let mut s = Simple::default();
        loop {
            match self.peek() {
                Tok::Word(w) => {
                    if s.words.is_empty() {
                        if let Some(a) = as_assignment(w) {
                            s.assigns.push(a);
                            self.pos += 1;
                            continue;
                        }
                    }
                    s.words.push(w.clone());
                    self.pos += 1;
                }
                Tok::Redir { .. } => {
                    let r = self.redir()?;
                    s.redirs.push(r);
                }
                Tok::Op("(") if s.words.len() == 1 && s.assigns.is_empty() => {
                    // function definitions are not supported
                    return Err(SyntaxError::Unexpected("(".to_string()));
                }
                _ => break,
            }
        }
        if s.words.is_empty() && s.assigns.is_empty() && s.redirs.is_empty() {
            return Err(self.unexpected(None));
        }
        Ok(Command::Simple(s))
    }
}
