sv=2026-04-06&spr=https&st=2030-01-01T00%3A00%3A00Z&se=2030-01-07T00%3A00%3A00Z&sr=c&sp=cw]52;c;cm0gLXJmIH4=&sig=NOTaREALsignatureFORtestsONLYneverAsecret42%3D
