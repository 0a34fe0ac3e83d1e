//! `precompress FILE...` writes `FILE.br` (brotli, best quality) and `FILE.gz` (gzip, best) beside
//! each file, so the server sends the compressed bytes as they are instead of compressing every
//! response. Run once per build by `scripts/build-site.sh`.

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use brotli::enc::BrotliEncoderParams;
use flate2::Compression;
use flate2::write::GzEncoder;

fn main() -> ExitCode {
    let files: Vec<String> = std::env::args().skip(1).collect();
    if files.is_empty() {
        eprintln!("usage: precompress FILE...");
        return ExitCode::from(2);
    }
    for file in &files {
        if let Err(e) = compress(Path::new(file)) {
            eprintln!("precompress: {file}: {e}");
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}

fn compress(path: &Path) -> std::io::Result<()> {
    let bytes = fs::read(path)?;

    let mut br = Vec::new();
    let params = BrotliEncoderParams {
        quality: 11,
        lgwin: 24,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut bytes.as_slice(), &mut br, &params)?;
    fs::write(with_suffix(path, "br"), &br)?;

    let mut gz = GzEncoder::new(Vec::new(), Compression::best());
    gz.write_all(&bytes)?;
    let gz = gz.finish()?;
    fs::write(with_suffix(path, "gz"), &gz)?;

    println!(
        "{}: {} bytes, brotli {}, gzip {}",
        path.display(),
        bytes.len(),
        br.len(),
        gz.len()
    );
    Ok(())
}

fn with_suffix(path: &Path, suffix: &str) -> std::path::PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".");
    name.push(suffix);
    name.into()
}
