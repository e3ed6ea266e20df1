{
  "targets": [
    {
      "target_name": "jesd_linalg",
      "sources": ["native/addon.cc", "native/kernels.cc", "native/heavy.cc"],
      "cflags_cc!": ["-fno-exceptions"],
      "cflags_cc": ["-std=c++17", "-O3", "-fno-math-errno", "<!@(node native/detect-flags.cjs)"],
      "ldflags": ["-pthread"],
      "xcode_settings": {
        "OTHER_CPLUSPLUSFLAGS": ["-std=c++17", "-O3", "<!@(node native/detect-flags.cjs)"]
      }
    }
  ]
}
