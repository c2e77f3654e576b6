//! Transcription with whisper.cpp (through whisper-rs): one shared model, one decoding state per
//! worker, words with times from token timestamps.

use crate::audio::recording::Channel;
use crate::audio::vad::Region;
use crate::types::Word;
use crate::units::{frame_floor, frame_to_ms, from_centis, Frame, Ms};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;
use whisper_rs::{
    DtwMode, DtwModelPreset, DtwParameters, FullParams, SamplingStrategy, WhisperContext,
    WhisperContextParameters, WhisperState,
};

#[derive(Debug, thiserror::Error)]
pub enum TranscribeError {
    #[error("{path}: cannot load whisper model: {cause}")]
    Load { path: String, cause: String },
    #[error("cannot create a whisper decoding state: {0}")]
    State(String),
    #[error("whisper failed: {0}")]
    Whisper(String),
    #[error("cannot read the audio: {0}")]
    Read(String),
    #[error("transcription aborted by a stop signal")]
    Aborted,
}

/// Most audio whisper sees in one call: under its 30 s window, so each chunk costs one encoder
/// pass and its token times are not disturbed by whisper's own seeking.
const CHUNK_MAX_MS: u64 = 28_000;
/// Silence longer than this between voiced regions is squeezed to it before transcription: a
/// stereo call's channels are each silent about half the time, and whisper pays per 30 s.
const GAP_KEEP_MS: u64 = 600;
/// Voiced regions are widened by this much, so a soft word onset below the VAD threshold
/// still reaches whisper.
const REGION_MARGIN_MS: u64 = 250;

/// One channel's transcription.
#[derive(Clone, Debug, Default)]
pub struct Transcription {
    pub words: Vec<Word>,
    /// Voiced stretches whose transcript cannot be trusted (whisper looped on them even alone):
    /// whatever was said there is unknown, and must be muted, not passed as clean.
    pub unreliable: Vec<(Ms, Ms)>,
    pub cost: AsrCost,
}

/// Where a transcription's wall time went, in milliseconds on the calling thread (whisper's
/// worker threads run inside these), so that a slow call can be traced to its stage.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct AsrCost {
    /// Reading the chunk's samples and resampling them to 16 kHz.
    pub audio_ms: u64,
    /// The log-mel spectrogram.
    pub mel_ms: u64,
    /// Encoder passes, and how many there were (one per 30 s window whisper looked at).
    pub encode_ms: u64,
    pub encoder_passes: u64,
    /// Token decoding: the prompt, each generated token, and sampling.
    pub decode_ms: u64,
    /// DTW alignment of tokens to audio (the word times).
    pub dtw_ms: u64,
    /// Of the whole, the whisper calls that decoded again what a first pass dropped or looped
    /// on (their mel, encoder and decoder time is also in the fields above).
    pub retry_ms: u64,
}

impl AsrCost {
    pub fn add(&mut self, o: &AsrCost) {
        self.audio_ms += o.audio_ms;
        self.mel_ms += o.mel_ms;
        self.encode_ms += o.encode_ms;
        self.encoder_passes += o.encoder_passes;
        self.decode_ms += o.decode_ms;
        self.dtw_ms += o.dtw_ms;
        self.retry_ms += o.retry_ms;
    }

    /// whisper.cpp's own stage clocks over one `state.full` call, read from the per-thread
    /// totals that vendor/whisper-rs-sys.patch keeps (whisper-rs does not expose a state's).
    fn whisper_since(&mut self, before: &[i64; 8]) {
        let after = whisper_thread_totals();
        let ms = |i: usize| ((after[i] - before[i]).max(0) / 1000) as u64;
        self.mel_ms += ms(0);
        self.encode_ms += ms(1);
        self.decode_ms += ms(2) + ms(3) + ms(4) + ms(5);
        self.dtw_ms += ms(6);
        self.encoder_passes += (after[7] - before[7]).max(0) as u64;
    }
}

extern "C" {
    /// Defined by vendor/whisper-rs-sys.patch: microseconds of mel, encode, decode, batch
    /// decode, prompt, sampling and DTW, then the count of encoder passes, summed over every
    /// whisper_full call made on this thread.
    fn whisper_callredact_thread_totals(out: *mut i64);
}

fn whisper_thread_totals() -> [i64; 8] {
    let mut out = [0i64; 8];
    // SAFETY: the function writes exactly eight i64s into the buffer it is given and keeps
    // no pointer to it; its totals are thread-local, so no other thread races the read.
    unsafe { whisper_callredact_thread_totals(out.as_mut_ptr()) };
    out
}

/// Whether whisper fell into a repetition loop: one word over 40 characters ("0-0-0-0-...")
/// or an n-gram of one to four words repeated back to back, eight times for one word, five
/// for longer ones. Nobody reads a card number like that.
pub fn looping(words: &[Word]) -> bool {
    if words.iter().any(|w| w.text.chars().count() > 40) {
        return true;
    }
    let t: Vec<String> = words
        .iter()
        .map(|w| {
            w.text
                .to_lowercase()
                .chars()
                .filter(|c| c.is_alphanumeric() || *c == '-')
                .collect()
        })
        .collect();
    (1..=4usize).any(|n| {
        let need = if n == 1 { 8 } else { 5 };
        (0..t.len().saturating_sub(n)).any(|i| {
            let mut reps = 1;
            while i + (reps + 1) * n <= t.len()
                && t[i + reps * n..i + (reps + 1) * n] == t[i..i + n]
            {
                reps += 1;
            }
            reps >= need
        })
    })
}

/// The loaded model, shared by every worker.
pub struct Model {
    ctx: WhisperContext,
    pub path: PathBuf,
    states: Mutex<Vec<WhisperState>>,
}

impl Model {
    pub fn load(path: &Path) -> Result<Model, TranscribeError> {
        whisper_rs::install_logging_hooks(); // keeps whisper.cpp's own chatter off stderr
        if !path.is_file() {
            return Err(TranscribeError::Load {
                path: path.display().to_string(),
                cause: "file not found (run ./scripts/fetch-model.sh, or pass --model)".into(),
            });
        }
        let mut params = WhisperContextParameters::default();
        // Whisper's own token times drift by seconds on short, broken call speech; the
        // cross-attention alignment (DTW over the model's alignment heads) stays within a
        // word. It needs the heads for the model's size, read from the file's header.
        if let Some(preset) = dtw_preset(path) {
            params.dtw_parameters(DtwParameters {
                mode: DtwMode::ModelPreset {
                    model_preset: preset,
                },
                ..Default::default()
            });
        }
        let ctx =
            WhisperContext::new_with_params(path, params).map_err(|e| TranscribeError::Load {
                path: path.display().to_string(),
                cause: e.to_string(),
            })?;
        Ok(Model {
            ctx,
            path: path.to_path_buf(),
            states: Mutex::new(Vec::new()),
        })
    }

    /// Transcribes one channel. `regions` are its voiced stretches; audio outside
    /// them is not sent to whisper (but see `REGION_MARGIN_MS`). Each chunk is resampled to
    /// 16 kHz on its own, so memory stays one chunk's worth whatever the call's length.
    pub fn transcribe(
        &self,
        audio: Channel<'_>,
        regions: &[Region],
        threads: usize,
        stop: &Arc<AtomicBool>,
    ) -> Result<Transcription, TranscribeError> {
        let mut state = match self.states.lock().ok().and_then(|mut s| s.pop()) {
            Some(s) => s,
            None => self
                .ctx
                .create_state()
                .map_err(|e| TranscribeError::State(e.to_string()))?,
        };
        let result = self.transcribe_with(&mut state, audio, regions, threads, stop);
        if let Ok(mut pool) = self.states.lock() {
            pool.push(state);
        }
        result
    }

    fn transcribe_with(
        &self,
        state: &mut WhisperState,
        audio: Channel<'_>,
        regions: &[Region],
        threads: usize,
        stop: &Arc<AtomicBool>,
    ) -> Result<Transcription, TranscribeError> {
        let total = frame_to_ms(Frame(audio.frames()), audio.rate());
        let mut words = Vec::new();
        let mut unreliable = Vec::new();
        let mut cost = AsrCost::default();
        let mut job = Job {
            state,
            audio,
            total,
            threads,
            stop,
            unreliable: &mut unreliable,
            cost: &mut cost,
            retrying: false,
        };
        for chunk in plan_chunks(regions, total) {
            match self.decode_trusted(&mut job, &chunk, regions)? {
                Some(got) => words.extend(got),
                None => {
                    // A repetition loop ("go master new, go master new, ..."): greedy decoding
                    // fell into it and the chunk's words are worthless, card digits and all.
                    let rs = in_chunk(regions, &chunk);
                    retrying(&mut job, |job| self.bisect(job, &rs, &mut words))?;
                }
            }
        }
        Ok(Transcription {
            words,
            unreliable,
            cost,
        })
    }

    /// Decodes one chunk, and again the voiced stretches it dropped; `None` when whisper looped
    /// on the chunk itself.
    fn decode_trusted(
        &self,
        job: &mut Job<'_, '_>,
        chunk: &Chunk,
        regions: &[Region],
    ) -> Result<Option<Vec<Word>>, TranscribeError> {
        let mut got = self.decode_chunk(job, chunk)?;
        if looping(&got) {
            return Ok(None);
        }
        // Greedy decoding sometimes ends a window early ("3 7 1 2 9 7 3 [" and then nothing
        // for 26 s of a card reading): the voiced stretches it left without a word are decoded
        // again on their own, where the decoder starts afresh. One that loops there is as
        // unknown as any looping region, and reported so.
        let lost = dropped(&in_chunk(regions, chunk), &got);
        if !lost.is_empty() {
            retrying(job, |job| {
                for part in plan_chunks(&lost, job.total) {
                    let again = self.decode_chunk(job, &part)?;
                    if looping(&again) {
                        job.unreliable
                            .extend(in_chunk(&lost, &part).into_iter().map(|r| (r.start, r.end)));
                    } else {
                        got.extend(again);
                    }
                }
                Ok(())
            })?;
            got.sort_by_key(|w| (w.start, w.end));
        }
        Ok(Some(got))
    }

    /// Decodes again the voiced regions of a chunk whisper looped on: in two halves (by
    /// speech time), each halved again only if it loops too, down to a region alone, which is
    /// reported unreliable if it still loops, so that its audio is muted rather than trusted.
    /// A loop is rarely the audio's own: most halves decode cleanly at once, where decoding
    /// each region alone cost one 30 s encoder pass per region (10 to 16 for a looping chunk,
    /// each for 1 to 3 s of speech).
    fn bisect(
        &self,
        job: &mut Job<'_, '_>,
        rs: &[Region],
        words: &mut Vec<Word>,
    ) -> Result<(), TranscribeError> {
        if let [r] = rs {
            let part = Chunk {
                parts: vec![(
                    Ms(r.start.0.saturating_sub(REGION_MARGIN_MS)),
                    Ms((r.end.0 + REGION_MARGIN_MS).min(job.total.0)),
                )],
            };
            let again = self.decode_chunk(job, &part)?;
            if looping(&again) {
                job.unreliable.push((r.start, r.end));
            } else {
                words.extend(again);
            }
            return Ok(());
        }
        for half in halves(rs) {
            for part in plan_chunks(half, job.total) {
                match self.decode_trusted(job, &part, half)? {
                    Some(got) => words.extend(got),
                    None => self.bisect(job, &in_chunk(half, &part), words)?,
                }
            }
        }
        Ok(())
    }

    /// One whisper call over one chunk; words in source time.
    fn decode_chunk(
        &self,
        job: &mut Job<'_, '_>,
        chunk: &Chunk,
    ) -> Result<Vec<Word>, TranscribeError> {
        let (audio, threads, stop) = (job.audio, job.threads, job.stop);
        let (state, cost) = (&mut *job.state, &mut *job.cost);
        let mut words = Vec::new();
        if stop.load(Ordering::Relaxed) {
            return Err(TranscribeError::Aborted);
        }
        let t = Instant::now();
        let audio = chunk.gather(audio)?;
        cost.audio_ms += t.elapsed().as_millis() as u64;
        if audio.len() < 1600 {
            return Ok(words); // under 0.1 s: nothing whisper can read
        }

        let mut params = FullParams::new(SamplingStrategy::Greedy { best_of: 1 });
        params.set_n_threads(threads.max(1) as i32);
        params.set_language(Some("en"));
        params.set_translate(false);
        // Each chunk stands alone: carrying text over lets one hallucination seed the next.
        params.set_no_context(true);
        params.set_token_timestamps(true);
        params.set_suppress_blank(true);
        // No temperature fallback: on call audio whisper's log-probabilities often sit
        // below its -1.0 threshold, and each fallback re-decodes the chunk at a higher
        // temperature (up to five more times), which measured 15x slower and produced
        // sampled guesses rather than better words. One greedy pass, deterministic.
        params.set_temperature(0.0);
        params.set_temperature_inc(0.0);
        params.set_print_special(false);
        params.set_print_progress(false);
        params.set_print_realtime(false);
        params.set_print_timestamps(false);
        // No abort callback: whisper-rs 0.16's set_abort_callback_safe hands whisper.cpp a
        // pointer to a boxed trait object but calls it as the concrete closure, so the
        // callback reads garbage and aborts the encoder at random (error -6). A stop is
        // honoured between chunks instead: at most one chunk (28 s of audio) of delay.
        let before = whisper_thread_totals();
        let full = state.full(params, &audio);
        cost.whisper_since(&before);
        full.map_err(|e| {
            if stop.load(Ordering::Relaxed) {
                TranscribeError::Aborted
            } else {
                TranscribeError::Whisper(e.to_string())
            }
        })?;
        if stop.load(Ordering::Relaxed) {
            return Err(TranscribeError::Aborted);
        }
        let eot = self.ctx.token_eot();
        for seg in state.as_iter() {
            let mut toks = Vec::new();
            for i in 0..seg.n_tokens() {
                let Some(tok) = seg.get_token(i) else {
                    continue;
                };
                if tok.token_id() >= eot {
                    continue; // timestamps, language and task markers
                }
                let data = tok.token_data();
                let text = tok
                    .to_str_lossy()
                    .map(|c| c.into_owned())
                    .unwrap_or_default();
                let dtw = (data.t_dtw >= 0).then(|| from_centis(data.t_dtw));
                toks.push(Token {
                    text,
                    t0: from_centis(data.t0),
                    t1: from_centis(data.t1),
                    dtw,
                    p: data.p,
                });
            }
            for w in tokens_to_words(&toks) {
                words.push(Word {
                    start: chunk.to_source(w.start),
                    end: chunk.to_source(w.end),
                    ..w
                });
            }
        }
        Ok(words)
    }
}

/// What every whisper call over one channel shares: its decoding state, its audio, and where
/// its unreliable stretches and costs are gathered.
struct Job<'a, 'c> {
    state: &'a mut WhisperState,
    audio: Channel<'c>,
    total: Ms,
    threads: usize,
    stop: &'a Arc<AtomicBool>,
    unreliable: &'a mut Vec<(Ms, Ms)>,
    cost: &'a mut AsrCost,
    /// Inside a retry already: a bisected half decodes its dropped stretches again too, and
    /// that time is part of the outer retry, not a second one.
    retrying: bool,
}

/// Runs a retry, adding its wall time to `retry_ms` once however deeply retries nest.
fn retrying<T>(
    job: &mut Job<'_, '_>,
    f: impl FnOnce(&mut Job<'_, '_>) -> Result<T, TranscribeError>,
) -> Result<T, TranscribeError> {
    if job.retrying {
        return f(job);
    }
    job.retrying = true;
    let t = Instant::now();
    let got = f(job);
    job.retrying = false;
    job.cost.retry_ms += t.elapsed().as_millis() as u64;
    got
}

/// Splits regions (at least two) into two non-empty runs of about equal speech time.
fn halves(rs: &[Region]) -> [&[Region]; 2] {
    let len = |r: &Region| r.end.0.saturating_sub(r.start.0);
    let all: u64 = rs.iter().map(len).sum();
    let mut acc = 0;
    let mut mid = 1;
    for (i, r) in rs.iter().enumerate() {
        acc += len(r);
        mid = i + 1;
        if 2 * acc >= all {
            break;
        }
    }
    let mid = mid.clamp(1, rs.len() - 1);
    [&rs[..mid], &rs[mid..]]
}

/// A piece of a channel sent to whisper in one call: source stretches laid end to end.
#[derive(Clone, Debug, PartialEq)]
pub struct Chunk {
    /// (source start, source end) of each stretch, in order.
    pub parts: Vec<(Ms, Ms)>,
}

impl Chunk {
    fn len_ms(&self) -> u64 {
        self.parts.iter().map(|(s, e)| e.0 - s.0).sum()
    }

    /// The chunk's audio at 16 kHz: each part resampled from the source on its own and cut
    /// to exactly its length in 16 kHz samples, so the time map stays exact.
    fn gather(&self, audio: Channel<'_>) -> Result<Vec<f32>, TranscribeError> {
        let rate = audio.rate();
        let mut out = Vec::new();
        for (s, e) in &self.parts {
            let part = audio
                .read(frame_floor(*s, rate).0, frame_floor(*e, rate).0)
                .map_err(|e| TranscribeError::Read(e.to_string()))?;
            let mut x = crate::audio::resample::to_16k(&part, rate)
                .map_err(|e| TranscribeError::Whisper(e.to_string()))?;
            x.resize(((e.0 - s.0) * 16) as usize, 0.0);
            out.extend_from_slice(&x);
        }
        Ok(out)
    }

    /// Maps a time inside the gathered audio back to the source timeline.
    pub fn to_source(&self, t: Ms) -> Ms {
        let mut offset = 0u64;
        for (s, e) in &self.parts {
            let len = e.0 - s.0;
            if t.0 <= offset + len {
                return Ms(s.0 + (t.0 - offset));
            }
            offset += len;
        }
        self.parts.last().map(|(_, e)| *e).unwrap_or(t)
    }
}

/// Groups voiced regions into chunks of at most `CHUNK_MAX_MS`, squeezing long pauses.
pub fn plan_chunks(regions: &[Region], total: Ms) -> Vec<Chunk> {
    let mut chunks: Vec<Chunk> = Vec::new();
    let mut cur = Chunk { parts: Vec::new() };
    for r in regions {
        let s = Ms(r.start.0.saturating_sub(REGION_MARGIN_MS));
        let e = Ms((r.end.0 + REGION_MARGIN_MS).min(total.0));
        if e <= s {
            continue;
        }
        // Merge with the previous stretch when the pause between is short; otherwise keep a
        // squeezed pause of GAP_KEEP_MS so whisper still hears a turn boundary.
        if let Some(&(_, last_end)) = cur.parts.last() {
            let len = cur.len_ms();
            if s.0 <= last_end.0 + GAP_KEEP_MS {
                if len + e.0.saturating_sub(last_end.0) <= CHUNK_MAX_MS {
                    if let Some(last) = cur.parts.last_mut() {
                        last.1 = last.1.max(e);
                    }
                    continue;
                }
            } else if len + GAP_KEEP_MS + (e.0 - s.0) <= CHUNK_MAX_MS {
                cur.parts
                    .push((last_end, Ms(last_end.0 + GAP_KEEP_MS).min(s)));
                cur.parts.push((s, e));
                continue;
            }
            chunks.push(std::mem::replace(&mut cur, Chunk { parts: Vec::new() }));
        }
        // A single region longer than a chunk is cut into chunk-sized pieces.
        let mut a = s;
        while e.0 - a.0 > CHUNK_MAX_MS {
            chunks.push(Chunk {
                parts: vec![(a, Ms(a.0 + CHUNK_MAX_MS))],
            });
            a = Ms(a.0 + CHUNK_MAX_MS);
        }
        cur.parts.push((a, e));
    }
    if !cur.parts.is_empty() {
        chunks.push(cur);
    }
    chunks
}

/// A voiced stretch at least this long with no word said in it was dropped by the decoder,
/// not left unsaid: the energy VAD's regions are speech, and a second long enough for a
/// digit group is too long to be a breath.
const DROPPED_MIN_MS: u64 = 1_000;
/// Regions closer than this are one stretch of speech when judging what was dropped.
const DROPPED_BRIDGE_MS: u64 = 300;
/// How far a word's raw time may sit from the audio that said it, either way (the alignment
/// is only snapped to voiced audio later): a word this near a stretch may be its own, so only
/// stretches this far from every word are decoded again, and a second decoding never hears a
/// word twice.
const WORD_SLACK_MS: u64 = 1_000;

/// The voiced regions that a chunk covers, cut to its extent: a region longer than a chunk is
/// split over several, and each chunk answers only for its own piece.
fn in_chunk(regions: &[Region], chunk: &Chunk) -> Vec<Region> {
    let (Some(first), Some(last)) = (chunk.parts.first(), chunk.parts.last()) else {
        return Vec::new();
    };
    regions
        .iter()
        .filter(|r| chunk.parts.iter().any(|(s, e)| r.start < *e && r.end > *s))
        .map(|r| Region {
            start: r.start.max(first.0),
            end: r.end.min(last.1),
        })
        .collect()
}

/// The stretches of `regions` (neighbours within `DROPPED_BRIDGE_MS` merged) of at least
/// `DROPPED_MIN_MS` in which no word was heard: a word counts where it comes within
/// `WORD_SLACK_MS` of the stretch. Punctuation and bracket tokens ("[", "(") are not words.
pub fn dropped(regions: &[Region], words: &[Word]) -> Vec<Region> {
    let mut merged: Vec<Region> = Vec::new();
    for r in regions {
        match merged.last_mut() {
            Some(last) if r.start.0 <= last.end.0 + DROPPED_BRIDGE_MS => {
                last.end = last.end.max(r.end)
            }
            _ => merged.push(*r),
        }
    }
    merged
        .into_iter()
        .filter(|r| r.end.0 - r.start.0 >= DROPPED_MIN_MS)
        .filter(|r| {
            !words.iter().any(|w| {
                w.text.chars().any(char::is_alphanumeric)
                    && w.start.0 < r.end.0 + WORD_SLACK_MS
                    && w.end.0 + WORD_SLACK_MS > r.start.0
            })
        })
        .collect()
}

/// One decoded token with its time in the chunk.
#[derive(Clone, Debug)]
pub struct Token {
    pub text: String,
    pub t0: Ms,
    pub t1: Ms,
    /// The alignment (DTW) time, where the model has alignment heads for it.
    pub dtw: Option<Ms>,
    pub p: f32,
}

/// The alignment heads for a ggml whisper file, from its header's vocabulary size (51864 is
/// English-only), text-layer count and width. `None` for a size without a preset: whisper's
/// own token times are used then.
fn dtw_preset(path: &Path) -> Option<DtwModelPreset> {
    use std::io::Read;
    let mut h = [0u8; 44];
    std::fs::File::open(path).ok()?.read_exact(&mut h).ok()?;
    let field = |i: usize| i32::from_le_bytes([h[4 * i], h[4 * i + 1], h[4 * i + 2], h[4 * i + 3]]);
    // magic, n_vocab, n_audio_ctx, n_audio_state, n_audio_head, n_audio_layer, n_text_ctx,
    // n_text_state, n_text_head, n_text_layer, n_mels
    if field(0) != 0x6767_6d6c {
        return None;
    }
    let english = field(1) == 51864;
    Some(match (field(9), field(7), english) {
        (4, 384, true) => DtwModelPreset::TinyEn,
        (4, 384, false) => DtwModelPreset::Tiny,
        (6, 512, true) => DtwModelPreset::BaseEn,
        (6, 512, false) => DtwModelPreset::Base,
        (12, 768, true) => DtwModelPreset::SmallEn,
        (12, 768, false) => DtwModelPreset::Small,
        _ => return None,
    })
}

/// Longest a word is taken to last past its last token's alignment time, when the next token
/// is far off (the end of a segment, or a pause the aligner put inside punctuation).
const DTW_WORD_TAIL_MS: u64 = 600;

/// Joins BPE tokens into words: a token that starts with a space starts a word; punctuation
/// and word pieces attach to the word before. With alignment times on every token, a word
/// runs from its first token's alignment time to the next token's (at most
/// `DTW_WORD_TAIL_MS` past its own last one); otherwise whisper's own token times are used.
pub fn tokens_to_words(tokens: &[Token]) -> Vec<Word> {
    if !tokens.is_empty() && tokens.iter().all(|t| t.dtw.is_some()) {
        let mut aligned: Vec<Token> = Vec::with_capacity(tokens.len());
        for (i, t) in tokens.iter().enumerate() {
            let at = t.dtw.unwrap_or(t.t0);
            // Punctuation is aligned to the next speech, after the pause: it takes no time.
            let (t0, t1) = if t.text.trim().chars().all(|c| c.is_ascii_punctuation()) {
                let prev = aligned.last().map(|p| p.t1).unwrap_or(at);
                (prev, prev)
            } else {
                let next = tokens[i + 1..]
                    .iter()
                    .find(|n| !n.text.trim().chars().all(|c| c.is_ascii_punctuation()))
                    .and_then(|n| n.dtw);
                let next = next.unwrap_or(Ms(at.0 + DTW_WORD_TAIL_MS));
                (at, Ms(next.0.clamp(at.0, at.0 + DTW_WORD_TAIL_MS)))
            };
            aligned.push(Token {
                t0,
                t1,
                dtw: None,
                ..t.clone()
            });
        }
        return tokens_to_words(&aligned);
    }
    let mut words: Vec<(Word, usize)> = Vec::new();
    for t in tokens {
        if t.text.is_empty() || t.text.starts_with("[_") {
            continue;
        }
        let starts_word = t.text.starts_with(' ') || words.is_empty();
        let piece = t.text.trim();
        if piece.is_empty() {
            continue;
        }
        if starts_word {
            words.push((
                Word {
                    text: piece.to_string(),
                    start: t.t0,
                    end: t.t1.max(t.t0),
                    prob: t.p,
                },
                1,
            ));
        } else if let Some((w, n)) = words.last_mut() {
            w.text.push_str(piece);
            w.end = w.end.max(t.t1);
            w.prob += t.p;
            *n += 1;
        }
    }
    words
        .into_iter()
        .map(|(mut w, n)| {
            w.prob /= n as f32;
            w
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tok(text: &str, t0: u64, t1: u64) -> Token {
        Token {
            text: text.into(),
            t0: Ms(t0),
            t1: Ms(t1),
            dtw: None,
            p: 0.5,
        }
    }

    fn region(s: u64, e: u64) -> Region {
        Region {
            start: Ms(s),
            end: Ms(e),
        }
    }

    fn word(text: &str, s: u64, e: u64) -> Word {
        Word {
            text: text.into(),
            start: Ms(s),
            end: Ms(e),
            prob: 0.9,
        }
    }

    #[test]
    fn voiced_stretches_the_decoder_left_without_a_word_are_dropped() {
        let regions = [region(0, 2_000), region(2_200, 4_000), region(6_000, 9_000)];
        let words = [
            word("3", 500, 700),
            word("7", 900, 1_100),
            word("[", 4_200, 4_300),
        ];
        // The first two regions are one stretch, heard; the third holds only a bracket.
        assert_eq!(dropped(&regions, &words), [region(6_000, 9_000)]);
    }

    #[test]
    fn a_chunk_answers_only_for_its_piece_of_a_long_region() {
        // One 40 s region is cut into two chunks; the second must not re-decode the first's.
        let regions = [region(0, 40_000)];
        let chunks = plan_chunks(&regions, Ms(60_000));
        assert_eq!(chunks.len(), 2);
        let second = in_chunk(&regions, &chunks[1]);
        assert_eq!(second, [region(28_000, 40_000)]);
    }

    #[test]
    fn a_late_word_or_a_short_stretch_is_not_dropped() {
        // The nearest non-examples: a word aligned just after its stretch or just before it,
        // and a stretch too short to hold a digit group.
        let regions = [region(0, 1_500), region(3_000, 4_600), region(8_000, 8_600)];
        let words = [word("yes", 1_800, 2_000), word("four", 2_300, 2_600)];
        assert!(dropped(&regions, &words).is_empty());
    }

    #[test]
    fn alignment_times_replace_token_times_when_every_token_has_one() {
        let mut toks = [
            tok(" card", 0, 100),
            tok(" 45", 100, 200),
            tok("39", 200, 300),
            tok(".", 300, 300),
            tok(" Thanks", 300, 400),
        ];
        for (t, at) in toks.iter_mut().zip([1_000, 1_400, 1_700, 3_000, 3_000]) {
            t.dtw = Some(Ms(at));
        }
        let w = tokens_to_words(&toks);
        assert_eq!((w[0].start, w[0].end), (Ms(1_000), Ms(1_400)));
        // "4539." ends where the next word is aligned, but no more than the tail past its own
        // time; the full stop, aligned after the pause, does not stretch it.
        assert_eq!(
            (w[1].text.as_str(), w[1].start, w[1].end),
            ("4539.", Ms(1_400), Ms(1_700 + DTW_WORD_TAIL_MS))
        );
        // One token without an alignment time: whisper's times for the lot.
        toks[1].dtw = None;
        assert_eq!(tokens_to_words(&toks)[0].start, Ms(0));
    }

    #[test]
    fn repetition_loops_are_recognised() {
        let w = |t: &str| Word {
            text: t.into(),
            start: Ms(0),
            end: Ms(0),
            prob: 0.5,
        };
        let lp: Vec<Word> = "go master new, "
            .repeat(6)
            .split_whitespace()
            .map(w)
            .collect();
        assert!(looping(&lp));
        let fives: Vec<Word> = std::iter::repeat_n("5-0,", 9).map(w).collect();
        assert!(looping(&fives));
        assert!(looping(&[w(&format!("54{}", "-0".repeat(30)))]));
        let card: Vec<Word> =
            "four five three nine one four eight eight oh three four three six four six seven"
                .split(' ')
                .map(w)
                .collect();
        assert!(!looping(&card));
        let ack: Vec<Word> = "yes yes yes go on".split(' ').map(w).collect();
        assert!(!looping(&ack));
    }

    #[test]
    fn pieces_and_punctuation_join_the_word_before() {
        let w = tokens_to_words(&[
            tok(" My", 0, 100),
            tok(" card", 100, 300),
            tok(" 45", 300, 400),
            tok("39", 400, 500),
            tok(",", 500, 500),
        ]);
        let texts: Vec<_> = w.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(texts, ["My", "card", "4539,"]);
        assert_eq!((w[2].start, w[2].end), (Ms(300), Ms(500)));
    }

    #[test]
    fn chunks_squeeze_long_pauses_and_map_times_back() {
        let regions = [
            Region {
                start: Ms(10_000),
                end: Ms(12_000),
            },
            Region {
                start: Ms(30_000),
                end: Ms(31_000),
            },
        ];
        let chunks = plan_chunks(&regions, Ms(60_000));
        assert_eq!(chunks.len(), 1);
        let c = &chunks[0];
        assert_eq!(c.parts[0], (Ms(9_750), Ms(12_250)));
        // 2.5 s of the first region + 0.6 s of kept pause, then the second region's audio.
        assert_eq!(c.to_source(Ms(3_100 + 250)), Ms(30_000));
        assert_eq!(c.to_source(Ms(1_000)), Ms(10_750));
    }

    #[test]
    fn a_looping_chunk_is_halved_by_speech_time_never_into_an_empty_half() {
        let two = [region(0, 1_000), region(2_000, 2_500)];
        assert_eq!(halves(&two), [&two[..1], &two[1..]]);
        // Most of the speech in the last region: the first half takes the rest.
        let late = [
            region(0, 1_000),
            region(2_000, 3_000),
            region(4_000, 10_000),
        ];
        assert_eq!(halves(&late), [&late[..2], &late[2..]]);
        // Most of it in the first: that region alone is a half.
        let early = [
            region(0, 9_000),
            region(10_000, 10_500),
            region(11_000, 11_500),
        ];
        assert_eq!(halves(&early), [&early[..1], &early[1..]]);
        let even = [
            region(0, 1_000),
            region(2_000, 3_000),
            region(4_000, 5_000),
            region(6_000, 7_000),
        ];
        assert_eq!(halves(&even), [&even[..2], &even[2..]]);
    }

    #[test]
    fn chunks_never_exceed_the_whisper_window() {
        let regions: Vec<Region> = (0..100)
            .map(|i| Region {
                start: Ms(i * 3_000),
                end: Ms(i * 3_000 + 2_000),
            })
            .collect();
        let chunks = plan_chunks(&regions, Ms(400_000));
        assert!(chunks.iter().all(|c| c.len_ms() <= CHUNK_MAX_MS));
        // Every voiced millisecond is in some chunk.
        for r in &regions {
            for t in [r.start.0, r.end.0 - 1] {
                assert!(
                    chunks
                        .iter()
                        .any(|c| c.parts.iter().any(|(s, e)| s.0 <= t && t < e.0)),
                    "{t}"
                );
            }
        }
        let long = [Region {
            start: Ms(0),
            end: Ms(70_000),
        }];
        let chunks = plan_chunks(&long, Ms(70_000));
        assert!(chunks.iter().all(|c| c.len_ms() <= CHUNK_MAX_MS));
        assert_eq!(chunks.iter().map(|c| c.len_ms()).sum::<u64>(), 70_000);
    }
}
