//! End-to-end tests of Stratus with the AWS provider, against a local AWS API emulator (moto):
//! the reference stack deployed, changed, crashed at every call, faulted, interrupted and
//! destroyed. The tests are in `tests/`; this library is empty. They live in a crate of their
//! own because they call the AWS SDK to read back what was deployed, and the root crate's
//! dev-dependencies are built for every example and bench.
