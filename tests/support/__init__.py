"""What the test layers share: the small world (factories), and helpers per audience and domain."""
