fn main() {
    eprintln!("krait-cross: not yet built");
    std::process::exit(1);
}
