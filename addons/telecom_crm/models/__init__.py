from . import telecom_demo_generator
