"""Publishing to the Hugging Face Hub: writing Hub-ready repositories, uploading them, and one
error type for every failed Hub call (with the token taken out)."""
