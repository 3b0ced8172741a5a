# %% [markdown]
# # Scoring survey responses with rolefit in Python
#
# A notebook-style walk through the `rolefit` package (each `# %%` is a
# cell; Jupyter, VS Code and `jupytext` open it as a notebook). It is run
# as it is by `crates/python/tests/test_example.py`, from the repository's
# root.

# %%
import pandas as pd

import rolefit

# %% [markdown]
# The built-in role matrix: roles, and the capabilities they need.

# %%
matrix = rolefit.Matrix.builtin()
print(matrix)
print(matrix.roles)
matrix.to_frame().head()

# %% [markdown]
# The sample responses: one row per respondent, one column per survey item
# (answers 1..5 on the agreement scale). The built-in survey maps the
# items to capabilities.

# %%
responses = pd.read_csv("datasets/sample-responses.csv")
responses.iloc[:3, :8]

# %% [markdown]
# Each respondent's three best-fitting roles, with the CLI's columns.

# %%
ranked = rolefit.score(responses, top=3)
print(ranked.head(6))

# %% [markdown]
# The best role per respondent, and how many respondents each role gets.

# %%
best = ranked[ranked["rank"] == 1].set_index("respondent")["role"]
print(best.value_counts())

# %% [markdown]
# Why: the strengths and gaps behind the first respondent's top role.

# %%
explained = rolefit.score(responses.head(1), top=1, explain=True)
print(explained[["role", "strengths", "gaps"]].to_string(index=False))

# %% [markdown]
# Bad data raises `rolefit.InputError`, with the message the command line
# prints (file, line, column and what was expected).

# %%
broken = responses.copy()
broken.loc[4, "Q07"] = 9
try:
    rolefit.score(broken, source="responses.csv")
except rolefit.InputError as e:
    print(e)
