"""Tests of the local stack: the emulator fixes, the stack file, snapshots and reset."""
